"""The composition root: builds the numbers service from its parts."""

from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings
from textbus.numbers.adapters.read_models import ReadModels
from textbus.numbers.entrypoints.kafka import register_handlers


def bootstrap(settings: ServiceSettings | None = None) -> Service:
    service = Service.create(settings or service_settings("numbers", 8081), title="textbus numbers")
    register_handlers(service.messaging, ReadModels(service.db))
    return service
