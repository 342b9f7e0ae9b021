"""What the entrypoints ask of the use cases, and which use case answers each (the bus's table).

A command carries exactly its use case's arguments, under the same names; an
event on Kafka reaches the use cases that keep what it tells.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textbus.assignments.domain.enterprises import Enterprise, SmsSettings, SmsSettingsChange
from textbus.assignments.domain.sync_tasks import SyncTask
from textbus.assignments.domain.users import User
from textbus.assignments.service import enterprises, groups, number_events, sync_tasks, users
from textbus.assignments.service.groups import GroupView
from textbus.assignments.service.ports import Ports
from textbus.assignments.service.users import UserView
from textbus.contracts import Envelope
from textbus.contracts.assignments.v1 import EnterpriseUpserted, SmsAssignmentChanged, SyncTaskCompleted
from textbus.contracts.numbers.v1 import NumberCommandRejected, NumberEvent
from textbus.kit.bus import Command, MessageBus


@dataclass(frozen=True)
class CreateEnterprise(Command[Enterprise]):
    enterprise_id: str
    name: str
    settings: SmsSettings
    correlation_id: str | None


@dataclass(frozen=True)
class ChangeSmsSettings(Command[Enterprise]):
    enterprise_id: str
    change: SmsSettingsChange
    correlation_id: str | None


@dataclass(frozen=True)
class SaveUser(Command[User]):
    tenant: str
    user_id: str
    display_name: str
    sign_in_name: str
    enabled: bool
    correlation_id: str | None
    at: datetime | None = None
    """When the directory published the user; None for a change made through the API (now)."""


@dataclass(frozen=True)
class AssignPersonalNumber(Command[UserView]):
    tenant: str
    user_id: str
    number: str
    replace: bool
    requested_by: str


@dataclass(frozen=True)
class UnassignPersonalNumber(Command[UserView]):
    tenant: str
    user_id: str
    number: str
    requested_by: str


@dataclass(frozen=True)
class CreateGroup(Command[GroupView]):
    tenant: str
    name: str
    owner_user_id: str
    member_user_ids: tuple[str, ...]
    numbers: tuple[str, ...]
    requested_by: str
    correlation_id: str | None


@dataclass(frozen=True)
class UpdateGroup(Command[GroupView]):
    tenant: str
    group_id: str
    name: str | None
    owner_user_id: str | None
    members_add: tuple[str, ...]
    members_remove: tuple[str, ...]
    numbers_add: tuple[str, ...]
    numbers_remove: tuple[str, ...]
    requested_by: str
    correlation_id: str | None


@dataclass(frozen=True)
class DeleteGroup(Command[None]):
    tenant: str
    group_id: str
    requested_by: str
    correlation_id: str | None


@dataclass(frozen=True)
class CompleteTask(Command[SyncTask]):
    tenant: str
    task_id: str
    completed_by: str
    correlation_id: str | None


COMMANDS: dict[type[Command[Any]], Callable[..., Awaitable[Any]]] = {
    CreateEnterprise: enterprises.create_enterprise,
    ChangeSmsSettings: enterprises.change_sms_settings,
    SaveUser: users.save_user,
    AssignPersonalNumber: users.assign_personal_number,
    UnassignPersonalNumber: users.unassign_personal_number,
    CreateGroup: groups.create_group,
    UpdateGroup: groups.update_group,
    DeleteGroup: groups.delete_group,
    CompleteTask: sync_tasks.complete_task,
}

Keeper = Callable[[Ports, Envelope], Awaitable[None]]
EVENTS: dict[type, Keeper] = {
    NumberEvent: number_events.on_number_event,
    NumberCommandRejected: number_events.on_number_event,
    SmsAssignmentChanged: sync_tasks.on_assignments_event,
    SyncTaskCompleted: sync_tasks.on_assignments_event,
    EnterpriseUpserted: sync_tasks.on_assignments_event,
}


def register_use_cases(bus: MessageBus, ports: Ports) -> None:
    """Every command to its use case and every event to its keepers, each given the ports."""
    for kind, use_case in COMMANDS.items():
        bus.command(kind, _given(ports, use_case))
    for kind, keeper in EVENTS.items():
        bus.event(kind, _told(ports, keeper))


def _given(ports: Ports, use_case: Callable[..., Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
    async def handle(command: Any) -> Any:
        return await use_case(ports, **vars(command))

    return handle


def _told(ports: Ports, keeper: Keeper) -> Callable[[Envelope], Awaitable[None]]:
    async def handle(envelope: Envelope) -> None:
        await keeper(ports, envelope)

    return handle
