from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings


def bootstrap(settings: ServiceSettings | None = None) -> Service:
    """Carrier traffic arrives with the gateway's own issue; until then it runs on the kit with its topics."""
    settings = settings or service_settings("carrier-gateway", 8083)
    return Service.create(settings, title="textbus carrier gateway")
