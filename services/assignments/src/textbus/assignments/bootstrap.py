"""The composition root: builds the assignments service from its parts."""

from textbus.assignments.adapters.mongo import MongoUsers
from textbus.assignments.entrypoints.http import register_user_routes
from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings


def bootstrap(settings: ServiceSettings | None = None) -> Service:
    service = Service.create(settings or service_settings("assignments", 8082), title="textbus assignments")
    users = MongoUsers(service.db, service.messaging)
    register_user_routes(service.api, users)
    service.on_start.append(users.relay_pending)
    return service
