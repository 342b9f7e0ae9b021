"""The envelopes this service publishes, built from its domain objects."""

from __future__ import annotations

from textbus.assignments.domain.enterprises import Enterprise
from textbus.assignments.domain.groups import Group
from textbus.assignments.domain.number_requests import NumberRequest
from textbus.assignments.domain.sync_tasks import Completion, SyncTask
from textbus.assignments.domain.users import User
from textbus.contracts import Envelope, Payload, Topic, topic
from textbus.contracts.assignments.v1 import (
    EnterpriseUpserted,
    GroupDeleted,
    GroupUpserted,
    SmsAssignmentChanged,
    SyncTaskCompleted,
    SyncTaskUpserted,
    UserUpserted,
)
from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import AssignNumber, NumberCommand, UnassignNumber

SOURCE = "assignments"
EVENTS = topic("assignments.events.v1")
NUMBER_COMMANDS = topic("numbers.commands.v1")

Message = tuple[Topic, Envelope]


def user_upserted(user: User, correlation_id: str | None) -> Message:
    payload = UserUpserted(
        user_id=user.user_id,
        display_name=user.display_name,
        sign_in_name=user.sign_in_name,
        enabled=user.enabled,
    )
    return EVENTS, _wrap(payload, user.user_id, user.tenant, correlation_id)


def enterprise_upserted(enterprise: Enterprise, correlation_id: str | None) -> Message:
    payload = EnterpriseUpserted(
        enterprise_id=enterprise.enterprise_id, name=enterprise.name, **enterprise.settings.model_dump()
    )
    return EVENTS, _wrap(payload, enterprise.enterprise_id, enterprise.enterprise_id, correlation_id)


def group_upserted(group: Group, correlation_id: str | None) -> Message:
    payload = GroupUpserted(
        group_id=group.group_id,
        name=group.name,
        owner_user_id=group.owner_user_id,
        member_user_ids=list(group.member_user_ids),
    )
    return EVENTS, _wrap(payload, group.group_id, group.tenant, correlation_id)


def group_deleted(group: Group, correlation_id: str | None) -> Message:
    return EVENTS, _wrap(GroupDeleted(group_id=group.group_id), group.group_id, group.tenant, correlation_id)


def number_command(tenant: str, assignee: Assignee, request: NumberRequest) -> Message:
    """The command for one request, correlated so the numbers service's answer finds its way back."""
    command: NumberCommand
    if request.action == "assign":
        command = AssignNumber(
            number=request.number,
            requested_by=request.requested_by,
            assignee=assignee,
            replace=request.replace,
            assignee_in_flight=True,
        )
    else:
        command = UnassignNumber(
            number=request.number, requested_by=request.requested_by, expected_assignee=assignee
        )
    return NUMBER_COMMANDS, _wrap(command, request.number, tenant, request.correlation_id)


def sms_assignment_changed(tenant: str, change: SmsAssignmentChanged) -> Message:
    """Keyed by the enterprise, so its sync-task keeper sees its changes in order."""
    return EVENTS, _wrap(change, tenant, tenant, change.change_id)


def sync_task_upserted(task: SyncTask) -> Message:
    payload = SyncTaskUpserted(
        task_id=task.task_id,
        kind=task.kind,
        status=task.status,
        change_count=len(task.changes),
        opened_at=task.opened_at,
        completed_at=task.completed_at,
        completed_by=task.completed_by,
        cancelled_at=task.cancelled_at,
    )
    return EVENTS, _wrap(payload, task.task_id, task.tenant, None)


def sync_task_completed(completion: Completion, task_id: str, correlation_id: str | None) -> Message:
    """Keyed by the enterprise, so the completion is ordered with the changes it covers."""
    payload = SyncTaskCompleted(
        task_id=task_id,
        kind=completion.kind,
        change_count=completion.change_count,
        completed_by=completion.completed_by,
        completed_at=completion.completed_at,
    )
    return EVENTS, _wrap(payload, completion.tenant, completion.tenant, correlation_id)


def _wrap(payload: Payload, subject: str, tenant: str, correlation_id: str | None) -> Envelope:
    return Envelope.wrap(
        payload, source=SOURCE, subject=subject, tenant=tenant, correlation_id=correlation_id
    )
