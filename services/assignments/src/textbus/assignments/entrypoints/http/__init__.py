"""The assignments REST API: thin routes that hand each change to the bus and read through the ports."""

from textbus.assignments.entrypoints.http.common import E164_PATTERN, USER_ID_MAX_LENGTH
from textbus.assignments.entrypoints.http.enterprises import register_enterprise_routes
from textbus.assignments.entrypoints.http.groups import register_group_routes
from textbus.assignments.entrypoints.http.problems import register_problems
from textbus.assignments.entrypoints.http.sync_tasks import register_sync_task_routes
from textbus.assignments.entrypoints.http.users import register_user_routes
from textbus.assignments.service.ports import Ports
from textbus.kit.bus import MessageBus
from textbus.kit.http import Api


def register_routes(api: Api, ports: Ports, bus: MessageBus) -> None:
    describe_path_parameters(api)
    register_problems(api)
    register_enterprise_routes(api, ports, bus)
    register_user_routes(api, ports, bus)
    register_group_routes(api, ports, bus)
    register_sync_task_routes(api, ports, bus)


def describe_path_parameters(api: Api) -> None:
    api.path_parameter("user_id", "The directory user's id.", minLength=1, maxLength=USER_ID_MAX_LENGTH)
    api.path_parameter(
        "group_id", "The SMS group's id, as its creation answered.", minLength=1, maxLength=200
    )
    api.path_parameter("task_id", "The sync task's id, e.g. sync-sms-app-1.", minLength=1, maxLength=200)
    api.path_parameter("number", "The phone number in E.164 form, e.g. +14155550100.", pattern=E164_PATTERN)


__all__ = ["register_routes"]
