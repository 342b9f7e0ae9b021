"""numbers.commands.v1 and numbers.events.v1: every mutation of a phone number and its outcome.

Commands are keyed by the number, so one consumer applies all of a number's
changes in order. Every event carries the number's whole state after the change,
so other services keep their read models from events alone.
"""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from textbus.contracts.common import E164, Assignee, Id
from textbus.contracts.envelope import Payload

Registration = Literal["unregistered", "registered"]
Lifecycle = Literal["active", "released"]


class NumberCommand(Payload):
    number: E164
    requested_by: Id = Field(description="The user or service that asked for the change.")
    job_id: Id | None = Field(default=None, description="The bulk job this command belongs to.")


class AddNumber(NumberCommand):
    """Add a number to the tenant's inventory."""

    TYPE: ClassVar[str] = "textbus.numbers.AddNumber.v1"

    sms_capable: bool
    carrier_profile_id: Id | None = None


class UpdateNumber(NumberCommand):
    """Change the carrier profile and/or the SMS capability; a field left out is not changed."""

    TYPE: ClassVar[str] = "textbus.numbers.UpdateNumber.v1"

    carrier_profile_id: Id | None = None
    clear_carrier_profile: bool = False
    sms_capable: bool | None = None


class DeleteNumber(NumberCommand):
    """Remove an unassigned number from the inventory."""

    TYPE: ClassVar[str] = "textbus.numbers.DeleteNumber.v1"


class AssignNumber(NumberCommand):
    """Assign an unassigned number, or (with replace) move an assigned one to another assignee."""

    TYPE: ClassVar[str] = "textbus.numbers.AssignNumber.v1"

    assignee: Assignee
    replace: bool = False
    assignee_in_flight: bool = Field(
        default=False,
        description="The requester has just published the assignee's creation on "
        "assignments.events.v1 and knows it exists: the numbers service waits up to its grace "
        "period for that event before refusing. Without it an assignee the numbers service does "
        "not know is refused at once (assignee-unknown).",
    )


class UnassignNumber(NumberCommand):
    """Take a number away from its assignee."""

    TYPE: ClassVar[str] = "textbus.numbers.UnassignNumber.v1"

    expected_assignee: Assignee | None = Field(
        default=None, description="Only unassign if the number is still assigned to this one."
    )


class RegisterNumber(NumberCommand):
    """Register a number for messaging (counted against the tenant's tier limit)."""

    TYPE: ClassVar[str] = "textbus.numbers.RegisterNumber.v1"


class ReleaseNumber(NumberCommand):
    """Release a number for good: it is unassigned and never assignable again."""

    TYPE: ClassVar[str] = "textbus.numbers.ReleaseNumber.v1"

    reason: str


class NumberState(Payload):
    """A number's whole state after a change."""

    number: E164
    sms_capable: bool
    carrier_profile_id: Id | None
    assignee: Assignee | None
    registration: Registration
    lifecycle: Lifecycle
    last_activity_at: datetime | None
    created_at: datetime
    updated_at: datetime


class NumberEvent(Payload):
    state: NumberState
    job_id: Id | None = None


class NumberAdded(NumberEvent):
    TYPE: ClassVar[str] = "textbus.numbers.NumberAdded.v1"


class NumberUpdated(NumberEvent):
    TYPE: ClassVar[str] = "textbus.numbers.NumberUpdated.v1"


class NumberAssigned(NumberEvent):
    TYPE: ClassVar[str] = "textbus.numbers.NumberAssigned.v1"

    previous_assignee: Assignee | None = None


class NumberUnassigned(NumberEvent):
    TYPE: ClassVar[str] = "textbus.numbers.NumberUnassigned.v1"

    previous_assignee: Assignee


class NumberDeleted(NumberEvent):
    TYPE: ClassVar[str] = "textbus.numbers.NumberDeleted.v1"


class NumberReleased(NumberEvent):
    TYPE: ClassVar[str] = "textbus.numbers.NumberReleased.v1"

    reason: str


class NumberCommandRejected(Payload):
    """A command on a number was refused; nothing changed."""

    TYPE: ClassVar[str] = "textbus.numbers.NumberCommandRejected.v1"

    number: E164
    command_type: str
    code: str = Field(description="Machine-readable reason, e.g. number-assigned.")
    detail: str
    job_id: Id | None = None
