"""What this service knows of phone numbers, learned from the numbers service's events."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.sync_tasks import NumberCause, assignment_cause


class NumberFact(BaseModel):
    """A number's state as the numbers service last reported it."""

    model_config = ConfigDict(frozen=True)

    number: str
    tenant: str
    assignee: Assignee | None
    sms_capable: bool
    lifecycle: str
    deleted: bool = False
    updated_at: datetime

    def is_newer_than(self, other: NumberFact) -> bool:
        return self.updated_at > other.updated_at


class AssignmentChange(BaseModel):
    """A number's assignee changed (from any cause: this service's commands or the numbers API)."""

    model_config = ConfigDict(frozen=True)

    change_id: str
    tenant: str
    number: str
    before: Assignee | None
    after: Assignee | None
    at: datetime

    @property
    def cause(self) -> NumberCause:
        cause = assignment_cause(self.before, self.after)
        assert cause is not None, "an assignment change moves a number"
        return cause


def assignment_change(
    change_id: str, previous: NumberFact | None, reported_previous: Assignee | None, now: NumberFact
) -> AssignmentChange | None:
    """How ``now`` changes the number's assignee compared to what we knew, if it does.

    ``reported_previous`` (the event's own previous assignee) stands in when we
    knew nothing of the number yet.
    """
    before = previous.assignee if previous is not None else reported_previous
    if assignment_cause(before, now.assignee) is None:
        return None
    return AssignmentChange(
        change_id=change_id,
        tenant=now.tenant,
        number=now.number,
        before=before,
        after=now.assignee,
        at=now.updated_at,
    )
