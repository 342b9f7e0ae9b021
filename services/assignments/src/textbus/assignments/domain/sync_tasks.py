"""Connector-app sync tasks: which assignment changes need an admin to sync the Teams connector app.

- Legacy SMS Connector App: every change to who receives SMS (a number assigned,
  unassigned or moved; a group's members or owner changing while it holds
  numbers) needs a "Sync SMS App" task.
- Unified Connector App: only a user receiving an SMS number for the first time,
  personally or as a member of a group, needs a "Sync Unified App" task.

One open task per kind per enterprise gathers the changes until an admin
completes it; a change is identified by its ``change_id``, so a duplicated or
replayed change is never counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.enterprises import ConnectorApp

SyncTaskKind = Literal["sync-sms-app", "sync-unified-app"]
SyncTaskStatus = Literal["open", "completed", "cancelled"]
TITLES: dict[SyncTaskKind, str] = {"sync-sms-app": "Sync SMS App", "sync-unified-app": "Sync Unified App"}
KINDS: tuple[SyncTaskKind, ...] = ("sync-sms-app", "sync-unified-app")

NumberCause = Literal["number-assigned", "number-unassigned", "number-reassigned"]
AssignmentCause = Literal[NumberCause, "group-members-changed", "group-owner-changed"]
ChangeCause = Literal[AssignmentCause, "first-sms-number"]


def task_kind_for(app: ConnectorApp) -> SyncTaskKind:
    return "sync-sms-app" if app == "legacy" else "sync-unified-app"


class SyncChange(BaseModel):
    """One assignment change a sync task covers."""

    model_config = ConfigDict(frozen=True)

    change_id: str
    cause: ChangeCause
    at: datetime
    summary: str
    number: str | None = None
    assignee: Assignee | None = None
    previous_assignee: Assignee | None = None
    group_id: str | None = None
    user_id: str | None = None
    members_added: tuple[str, ...] = ()
    members_removed: tuple[str, ...] = ()


class SmsAssignmentChange(BaseModel):
    """Who receives SMS through a number or a group changed; the keeper applies these in each
    enterprise's order (they travel as SmsAssignmentChanged, keyed by the enterprise)."""

    model_config = ConfigDict(frozen=True)

    change_id: str
    cause: AssignmentCause
    at: datetime
    number: str | None = None
    assignee: Assignee | None = None
    previous_assignee: Assignee | None = None
    group_id: str | None = None
    members_added: tuple[str, ...] = ()
    members_removed: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()


def changes_needing_sync(
    app: ConnectorApp, change: SmsAssignmentChange, first_timers: Sequence[str]
) -> list[tuple[SyncTaskKind, SyncChange]]:
    """The task entries ``change`` needs under ``app``; ``first_timers`` never had an SMS number."""
    if app == "legacy":
        return [("sync-sms-app", _legacy_change(change))]
    return [("sync-unified-app", first_sms_change(user, change)) for user in first_timers]


def first_sms_change(user_id: str, change: SmsAssignmentChange) -> SyncChange:
    """A user's first SMS number: one such change per user, ever (its id is the user's)."""
    if change.number is not None and change.assignee is not None and change.assignee.kind == "user":
        how = f"number {change.number}"
    elif change.number is not None and change.assignee is not None:
        how = f"number {change.number} of group {change.assignee.id}"
    else:
        how = f"the numbers of group {change.group_id}"
    return SyncChange(
        change_id=f"first-sms-number:{user_id}",
        cause="first-sms-number",
        at=change.at,
        summary=f"user {user_id} received an SMS number for the first time ({how})",
        number=change.number,
        assignee=change.assignee,
        group_id=change.group_id
        or (change.assignee.id if change.assignee and change.assignee.kind == "group" else None),
        user_id=user_id,
    )


def _legacy_change(change: SmsAssignmentChange) -> SyncChange:
    return SyncChange(
        change_id=change.change_id,
        cause=change.cause,
        at=change.at,
        summary=_summary(change),
        number=change.number,
        assignee=change.assignee,
        previous_assignee=change.previous_assignee,
        group_id=change.group_id,
        members_added=change.members_added,
        members_removed=change.members_removed,
    )


def _summary(change: SmsAssignmentChange) -> str:
    def who(assignee: Assignee | None) -> str:
        return f"{assignee.kind} {assignee.id}" if assignee else "nobody"

    match change.cause:
        case "number-assigned":
            return f"{change.number} assigned to {who(change.assignee)}"
        case "number-unassigned":
            return f"{change.number} unassigned from {who(change.previous_assignee)}"
        case "number-reassigned":
            return f"{change.number} moved from {who(change.previous_assignee)} to {who(change.assignee)}"
        case "group-owner-changed":
            return f"group {change.group_id} has a new owner"
    parts = []
    if change.members_added:
        parts.append("added " + ", ".join(change.members_added))
    if change.members_removed:
        parts.append("removed " + ", ".join(change.members_removed))
    return f"group {change.group_id} members changed: " + "; ".join(parts or ["owner changed"])


def assignment_cause(before: Assignee | None, after: Assignee | None) -> NumberCause | None:
    """What kind of assignment change moving a number from ``before`` to ``after`` is, if any."""
    if before == after:
        return None
    if before is None:
        return "number-assigned"
    if after is None:
        return "number-unassigned"
    return "number-reassigned"


def task_id(kind: SyncTaskKind, seq: int) -> str:
    return f"{kind}-{seq}"


def parse_task_id(value: str) -> tuple[SyncTaskKind, int] | None:
    kind, _, seq = value.rpartition("-")
    for known in KINDS:
        if kind == known and seq.isdigit() and int(seq) > 0:
            return known, int(seq)
    return None


class SyncTask(BaseModel):
    model_config = ConfigDict(frozen=True)

    tenant: str
    kind: SyncTaskKind
    seq: int
    status: SyncTaskStatus = "open"
    opened_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    completed_by: str | None = None
    cancelled_at: datetime | None = None
    changes: tuple[SyncChange, ...] = ()

    @property
    def task_id(self) -> str:
        return task_id(self.kind, self.seq)

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    def covers(self, change_id: str) -> bool:
        return any(c.change_id == change_id for c in self.changes)

    def with_change(self, change: SyncChange, at: datetime) -> SyncTask | None:
        """The task gathering one more change; None when it covers it already or is closed."""
        if self.status != "open" or self.covers(change.change_id):
            return None
        return self.model_copy(update={"changes": (*self.changes, change), "updated_at": at})

    def completed(self, completion: Completion) -> tuple[SyncTask, list[SyncChange]]:
        """Closed by an admin: it covers the changes the admin saw; later ones go to the next task."""
        count = completion.change_count
        done = self.model_copy(
            update={
                "status": "completed",
                "completed_at": completion.completed_at,
                "completed_by": completion.completed_by,
                "updated_at": completion.completed_at,
                "changes": self.changes[:count],
            }
        )
        return done, list(self.changes[count:])

    def cancelled(self, at: datetime) -> SyncTask:
        """Stopped because the enterprise no longer uses this task's connector app."""
        return self.model_copy(update={"status": "cancelled", "cancelled_at": at, "updated_at": at})


class Completion(BaseModel):
    """An admin's completion of a task, recorded at once; the task itself follows in order."""

    model_config = ConfigDict(frozen=True)

    tenant: str
    kind: SyncTaskKind
    seq: int
    completed_by: str
    completed_at: datetime
    change_count: int


def open_task(tenant: str, kind: SyncTaskKind, seq: int, at: datetime) -> SyncTask:
    return SyncTask(tenant=tenant, kind=kind, seq=seq, opened_at=at, updated_at=at)


def as_seen(tasks: Iterable[SyncTask], completions: Iterable[Completion]) -> list[SyncTask]:
    """Tasks as an admin sees them: a completion not yet applied to its task already counts.

    Changes that reached a task after the admin completed it are shown in the
    next task, where applying the completion will move them.
    """
    by_key = {(t.kind, t.seq): t for t in tasks}
    for completion in sorted(completions, key=lambda c: (c.kind, c.seq)):
        task = by_key.get((completion.kind, completion.seq))
        if task is None or task.status != "open":
            continue
        done, overflow = task.completed(completion)
        by_key[(task.kind, task.seq)] = done
        following = by_key.get((task.kind, task.seq + 1)) or open_task(
            task.tenant, task.kind, task.seq + 1, completion.completed_at
        )
        for change in overflow:
            following = following.with_change(change, following.updated_at) or following
        if following.changes:
            by_key[(task.kind, task.seq + 1)] = following
    return sorted(by_key.values(), key=lambda t: (t.opened_at, t.kind, t.seq), reverse=True)
