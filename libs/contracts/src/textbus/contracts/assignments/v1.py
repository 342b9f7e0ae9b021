"""assignments.events.v1: enterprises, users, SMS groups and sync tasks as assignments keeps them."""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from textbus.contracts.common import E164, Assignee, Id
from textbus.contracts.envelope import Payload

ConnectorApp = Literal["legacy", "unified"]


class EnterpriseUpserted(Payload):
    """An enterprise (tenant) and its SMS settings, after a change."""

    TYPE: ClassVar[str] = "textbus.assignments.EnterpriseUpserted.v1"

    enterprise_id: Id
    name: str
    group_texting: bool
    secure_sms: bool
    connector_app: ConnectorApp
    manages_own_numbers: bool = Field(
        description="Whether enterprise admins may add, update and delete numbers themselves."
    )


class UserUpserted(Payload):
    """A directory user, after a change."""

    TYPE: ClassVar[str] = "textbus.assignments.UserUpserted.v1"

    user_id: Id
    display_name: str
    sign_in_name: str
    enabled: bool


class GroupUpserted(Payload):
    """An SMS group's name, owner and members, after a change."""

    TYPE: ClassVar[str] = "textbus.assignments.GroupUpserted.v1"

    group_id: Id
    name: str
    owner_user_id: Id
    member_user_ids: list[Id]


class GroupDeleted(Payload):
    TYPE: ClassVar[str] = "textbus.assignments.GroupDeleted.v1"

    group_id: Id


SyncTaskKind = Literal["sync-sms-app", "sync-unified-app"]
SyncTaskStatus = Literal["open", "completed", "cancelled"]
SmsAssignmentCause = Literal[
    "number-assigned",
    "number-unassigned",
    "number-reassigned",
    "group-members-changed",
    "group-owner-changed",
]


class SmsAssignmentChanged(Payload):
    """Who receives SMS through a number or a group changed; keyed by the enterprise id.

    The assignments service derives connector-app sync tasks from these, in
    order per enterprise. The same change published twice carries the same
    ``change_id``.
    """

    TYPE: ClassVar[str] = "textbus.assignments.SmsAssignmentChanged.v1"

    change_id: Id = Field(description="Stable id of the change (for a number, the numbers event's id).")
    cause: SmsAssignmentCause
    at: datetime = Field(description="When the change happened.")
    number: E164 | None = Field(default=None, description="The number whose assignee changed, if any.")
    assignee: Assignee | None = Field(default=None, description="The number's assignee after the change.")
    previous_assignee: Assignee | None = Field(
        default=None, description="The number's assignee before the change."
    )
    group_id: Id | None = Field(default=None, description="The group whose members or owner changed.")
    members_added: list[Id] = Field(default_factory=list)
    members_removed: list[Id] = Field(default_factory=list)
    recipients: list[Id] = Field(
        default_factory=list,
        description="Users who receive SMS through this change: the new assignee user, "
        "the new assignee group's members, or members added to a group that holds numbers.",
    )


class SyncTaskUpserted(Payload):
    """A connector-app sync task on an enterprise's dashboard, after a change; keyed by task id."""

    TYPE: ClassVar[str] = "textbus.assignments.SyncTaskUpserted.v1"

    task_id: Id
    kind: SyncTaskKind = Field(description="sync-sms-app (legacy app) or sync-unified-app.")
    status: SyncTaskStatus
    change_count: int = Field(ge=0, description="How many assignment changes the task covers.")
    opened_at: datetime
    completed_at: datetime | None = None
    completed_by: Id | None = Field(default=None, description="The admin who completed the task.")
    cancelled_at: datetime | None = Field(
        default=None, description="When the task stopped because the enterprise switched connector app."
    )


class SyncTaskCompleted(Payload):
    """An admin completed a sync task; keyed by the enterprise id, so it is ordered with its changes."""

    TYPE: ClassVar[str] = "textbus.assignments.SyncTaskCompleted.v1"

    task_id: Id
    kind: SyncTaskKind
    change_count: int = Field(ge=0, description="How many of the task's changes (oldest first) it covers.")
    completed_by: Id
    completed_at: datetime
