from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings


def bootstrap(settings: ServiceSettings | None = None) -> Service:
    """Routing rules arrive with the router's own issue; until then it runs on the kit with its topics."""
    settings = settings or service_settings("inbound-router", 8085)
    return Service.create(settings, title="textbus inbound router")
