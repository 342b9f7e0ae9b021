"""The assignments REST API: thin routes that hand each request to its use case."""

from textbus.assignments.entrypoints.http.enterprises import register_enterprise_routes
from textbus.assignments.entrypoints.http.groups import register_group_routes
from textbus.assignments.entrypoints.http.sync_tasks import register_sync_task_routes
from textbus.assignments.entrypoints.http.users import register_user_routes
from textbus.assignments.service.ports import Ports
from textbus.kit.http import Api


def register_routes(api: Api, ports: Ports) -> None:
    register_enterprise_routes(api, ports)
    register_user_routes(api, ports)
    register_group_routes(api, ports)
    register_sync_task_routes(api, ports)


__all__ = ["register_routes"]
