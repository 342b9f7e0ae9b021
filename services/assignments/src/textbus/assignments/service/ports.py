"""What the use cases need from the outside world, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.enterprises import Enterprise
from textbus.assignments.domain.group_search import GroupSearch
from textbus.assignments.domain.groups import Group, GroupChange, MembershipChange
from textbus.assignments.domain.number_requests import NumberRequest, Outcome
from textbus.assignments.domain.numbers import AssignmentChange, NumberFact
from textbus.assignments.domain.sync_tasks import Completion, SmsAssignmentChange, SyncTask, SyncTaskKind
from textbus.assignments.domain.users import User
from textbus.kit.clock import Clock


class VersionConflict(Exception):
    """A conditional write found the document changed since it was read."""


@dataclass(frozen=True)
class PersonalRequests:
    """A user's latest request per personal number, and the version guarding them."""

    tenant: str
    user_id: str
    requests: tuple[NumberRequest, ...]
    version: int


class Users(Protocol):
    async def get(self, tenant: str, user_id: str) -> User | None: ...

    async def get_many(self, tenant: str, user_ids: Iterable[str]) -> dict[str, User]: ...

    async def versioned(self, tenant: str, user_id: str) -> tuple[User | None, int]:
        """The user and the version of their document (0: none yet), read at once."""
        ...

    async def save(self, user: User, *, expected_version: int, correlation_id: str | None) -> None:
        """Store the user and, with it, the UserUpserted event (VersionConflict if changed); then
        publish it."""
        ...

    async def requests_of(self, tenant: str, user_id: str) -> PersonalRequests: ...

    async def save_requests(
        self, personal: PersonalRequests, commands: list[NumberRequest], *, expected_version: int
    ) -> None:
        """Store the requests and queue their commands in one write (VersionConflict if changed)."""
        ...

    async def list(self, tenant: str, *, skip: int, limit: int) -> tuple[list[User], int]: ...

    async def requested(self, keys: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (number, correlation id) a user's stored personal requests refer to."""
        ...


class Enterprises(Protocol):
    async def get(self, enterprise_id: str) -> Enterprise | None: ...

    async def create(self, enterprise: Enterprise, *, correlation_id: str | None) -> bool:
        """Store a new enterprise and its EnterpriseUpserted event; False if the id is taken."""
        ...

    async def save(
        self, enterprise: Enterprise, *, expected_version: int, correlation_id: str | None
    ) -> None: ...

    async def list(self, *, skip: int, limit: int) -> tuple[list[Enterprise], int]: ...


class Groups(Protocol):
    async def get(self, tenant: str, group_id: str) -> Group | None:
        """The group, deleted or not."""
        ...

    async def insert(self, change: GroupChange, *, correlation_id: str | None) -> None: ...

    async def replace(
        self, change: GroupChange, *, expected_version: int, correlation_id: str | None
    ) -> None:
        """Store the change with its events and commands (VersionConflict if the group changed)."""
        ...

    async def of_member(self, tenant: str, user_id: str) -> list[Group]: ...

    async def settle_membership(
        self, group: Group, change: MembershipChange, event: SmsAssignmentChange | None
    ) -> None:
        """Queue the membership change's event (if any) and forget the pending change, in one write."""
        ...

    async def unsettled_memberships(self) -> list[tuple[Group, MembershipChange]]: ...

    async def requested(self, keys: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (number, correlation id) a live group's stored requests refer to."""
        ...


class GroupFinder(Protocol):
    async def find(
        self, tenant: str, query: GroupSearch, *, skip: int, limit: int
    ) -> tuple[list[Group], int]:
        """The page of the tenant's live groups that ``query`` selects, in its order, and how many
        it selects in all: what domain/group_search.py selects from the rows the groups show."""
        ...


@dataclass(frozen=True)
class NameHolder:
    group_id: str
    reserved_at: datetime


class GroupNames(Protocol):
    async def reserve(self, tenant: str, name_key: str, group_id: str, at: datetime) -> NameHolder | None:
        """Reserve the name for the group; the current holder when another group has it."""
        ...

    async def take_over(self, tenant: str, name_key: str, holder: NameHolder, group_id: str) -> bool: ...

    async def release(self, tenant: str, name_key: str, group_id: str) -> None: ...


class NumberFacts(Protocol):
    async def get(self, number: str) -> NumberFact | None: ...

    async def get_many(self, numbers: Iterable[str]) -> dict[str, NumberFact]: ...

    async def held_by(self, tenant: str, assignee: Assignee) -> list[str]: ...

    async def held_by_groups(self, tenant: str, group_ids: Iterable[str]) -> dict[str, list[str]]:
        """The numbers assigned to these groups of the tenant, by group id."""
        ...

    async def outcomes(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Outcome]:
        """Answers to commands, by (number, correlation id)."""
        ...

    async def record_state(
        self, fact: NumberFact, envelope_id: UUID, change: AssignmentChange | None
    ) -> bool:
        """Store the number's state, and the change to publish, unless this envelope was applied."""
        ...

    async def record_outcome(self, outcome: Outcome, *, at: datetime) -> None:
        """Store the answer and when it came."""
        ...

    def outcomes_recorded_before(self, before: datetime) -> AsyncIterator[tuple[str, str]]:
        """The (number, correlation id) of outcomes recorded before then, or before their time was kept."""
        ...

    async def forget_outcomes(self, keys: Iterable[tuple[str, str]]) -> None: ...

    async def settle_change(self, change: AssignmentChange, event: SmsAssignmentChange) -> None:
        """Queue the change's event and forget the pending change in one write; then publish."""
        ...

    async def unsettled_change(self, number: str) -> AssignmentChange | None: ...

    async def unsettled_changes(self) -> list[AssignmentChange]: ...


class SyncTasks(Protocol):
    """Written only by the consumer of the enterprise's partition of assignments.events.v1."""

    async def open_seq(self, tenant: str, kind: SyncTaskKind) -> int: ...

    async def set_open_seq(self, tenant: str, kind: SyncTaskKind, seq: int) -> None: ...

    async def get(self, tenant: str, kind: SyncTaskKind, seq: int) -> SyncTask | None: ...

    async def save(self, task: SyncTask) -> None:
        """Store the task and its SyncTaskUpserted event; then publish it."""
        ...

    async def of_tenant(self, tenant: str) -> list[SyncTask]: ...

    async def counted(self, tenant: str, kind: SyncTaskKind, change_id: str) -> bool: ...

    async def mark_counted(
        self, tenant: str, kind: SyncTaskKind, change_id: str, *, at: datetime
    ) -> None: ...

    async def open_tasks(self) -> list[SyncTask]:
        """Every enterprise's open tasks."""
        ...

    async def forget_counted(
        self, *, counted_before: datetime, keep: Iterable[tuple[str, SyncTaskKind, str]], now: datetime
    ) -> int:
        """Forget the change ids counted before then, but those in ``keep``; how many went.

        A mark stored before its time was kept is given ``now`` instead, so it goes one horizon later.
        """
        ...

    async def sms_recipients(self, tenant: str, user_ids: Iterable[str]) -> set[str]:
        """Which of these users have had an SMS number before."""
        ...

    async def add_sms_recipients(self, tenant: str, user_ids: Iterable[str], at: datetime) -> None: ...


class Completions(Protocol):
    """Admins' completions of sync tasks: inserted once each, by the REST API."""

    async def get(self, tenant: str, kind: SyncTaskKind, seq: int) -> Completion | None: ...

    async def record(self, completion: Completion, *, correlation_id: str | None) -> bool:
        """Store the completion and its SyncTaskCompleted event; False if it was completed before."""
        ...

    async def of_tenant(self, tenant: str) -> list[Completion]: ...


class Writes(Protocol):
    """The revisions that make versioned writes hold across processes (adapters/revisions.py)."""

    async def finish(self) -> int:
        """Finish the writes a crash left half-done (older than the grace); how many."""
        ...

    async def forget(self, recorded_before: datetime) -> int:
        """Forget the revisions older than this that hold nothing more; how many went."""
        ...


@dataclass(frozen=True)
class Ports:
    enterprises: Enterprises
    users: Users
    groups: Groups
    group_finder: GroupFinder
    group_names: GroupNames
    numbers: NumberFacts
    sync_tasks: SyncTasks
    completions: Completions
    writes: Writes
    clock: Clock
