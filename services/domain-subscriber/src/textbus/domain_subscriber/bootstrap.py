from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings


def bootstrap(settings: ServiceSettings | None = None) -> Service:
    """Subscriptions arrive with the service's own issue; until then it runs on the kit with its topics."""
    settings = settings or service_settings("domain-subscriber", 8084)
    return Service.create(settings, title="textbus domain subscriber")
