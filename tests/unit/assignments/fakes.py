"""Small in-memory fakes of the ports the sync-task keeper and the retention sweep use."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from textbus.assignments.domain.enterprises import ConnectorApp, Enterprise, SmsSettings
from textbus.assignments.domain.number_requests import Outcome
from textbus.assignments.domain.sync_tasks import Completion, SyncTask, SyncTaskKind
from textbus.assignments.service.ports import Ports

AT = datetime(2025, 1, 1, tzinfo=UTC)


class FakeClock:
    """The service's clock, standing still until a test moves it."""

    def __init__(self, now: datetime = AT) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class FakeEnterprises:
    def __init__(self) -> None:
        self.by_id: dict[str, Enterprise] = {}

    def put(self, enterprise_id: str, app: ConnectorApp) -> None:
        self.by_id[enterprise_id] = Enterprise(
            enterprise_id=enterprise_id,
            name=enterprise_id,
            settings=SmsSettings(connector_app=app),
            created_at=AT,
            updated_at=AT,
        )

    async def get(self, enterprise_id: str) -> Enterprise | None:
        return self.by_id.get(enterprise_id)


class FakeSyncTasks:
    def __init__(self) -> None:
        self.tasks: dict[tuple[str, str, int], SyncTask] = {}
        self.pointers: dict[tuple[str, str], int] = {}
        self.counted_at: dict[tuple[str, str, str], datetime] = {}
        self.recipients: set[tuple[str, str]] = set()
        self.published: list[SyncTask] = []

    async def open_seq(self, tenant: str, kind: SyncTaskKind) -> int:
        return self.pointers.get((tenant, kind), 1)

    async def set_open_seq(self, tenant: str, kind: SyncTaskKind, seq: int) -> None:
        self.pointers[(tenant, kind)] = seq

    async def get(self, tenant: str, kind: SyncTaskKind, seq: int) -> SyncTask | None:
        return self.tasks.get((tenant, kind, seq))

    async def save(self, task: SyncTask) -> None:
        self.tasks[(task.tenant, task.kind, task.seq)] = task
        self.published.append(task)

    async def of_tenant(self, tenant: str) -> list[SyncTask]:
        return [t for t in self.tasks.values() if t.tenant == tenant]

    async def counted(self, tenant: str, kind: SyncTaskKind, change_id: str) -> bool:
        return (tenant, kind, change_id) in self.counted_at

    async def mark_counted(self, tenant: str, kind: SyncTaskKind, change_id: str, *, at: datetime) -> None:
        self.counted_at[(tenant, kind, change_id)] = at

    async def open_tasks(self) -> list[SyncTask]:
        return [t for t in self.tasks.values() if t.status == "open"]

    async def forget_counted(
        self, *, counted_before: datetime, keep: Iterable[tuple[str, SyncTaskKind, str]], now: datetime
    ) -> int:
        kept = set(keep)
        gone = [k for k, at in self.counted_at.items() if at < counted_before and k not in kept]
        for key in gone:
            del self.counted_at[key]
        return len(gone)

    async def sms_recipients(self, tenant: str, user_ids: Iterable[str]) -> set[str]:
        return {u for u in user_ids if (tenant, u) in self.recipients}

    async def add_sms_recipients(self, tenant: str, user_ids: Iterable[str], at: datetime) -> None:
        self.recipients |= {(tenant, u) for u in user_ids}


class FakeCompletions:
    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str, int], Completion] = {}

    async def get(self, tenant: str, kind: SyncTaskKind, seq: int) -> Completion | None:
        return self.by_key.get((tenant, kind, seq))

    async def record(self, completion: Completion, *, correlation_id: str | None) -> bool:
        key = (completion.tenant, completion.kind, completion.seq)
        if key in self.by_key:
            return False
        self.by_key[key] = completion
        return True

    async def of_tenant(self, tenant: str) -> list[Completion]:
        return [c for c in self.by_key.values() if c.tenant == tenant]


class FakeOutcomes:
    """The command outcomes part of the numbers read model."""

    def __init__(self) -> None:
        self.recorded_at: dict[tuple[str, str], datetime] = {}

    async def record_outcome(self, outcome: Outcome, *, at: datetime) -> None:
        self.recorded_at.setdefault((outcome.number, outcome.correlation_id), at)

    async def outcomes_recorded_before(self, before: datetime) -> AsyncIterator[tuple[str, str]]:
        for key, at in list(self.recorded_at.items()):
            if at < before:
                yield key

    async def forget_outcomes(self, keys: Iterable[tuple[str, str]]) -> None:
        for key in keys:
            del self.recorded_at[key]


class FakeRequests:
    """The number requests groups or users keep, as (number, correlation id)."""

    def __init__(self) -> None:
        self.stored: set[tuple[str, str]] = set()

    async def requested(self, keys: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        return self.stored & set(keys)


class FakeWrites:
    """The revisions of versioned writes: none old enough to forget."""

    async def forget(self, recorded_before: datetime) -> int:
        return 0


def keeper_ports(
    enterprises: FakeEnterprises,
    tasks: FakeSyncTasks,
    completions: FakeCompletions,
    clock: FakeClock | None = None,
) -> Ports:
    """Ports for the sync-task use cases; the stores they never touch are left out."""
    unused = cast(Any, None)
    return Ports(
        enterprises=cast(Any, enterprises),
        users=unused,
        groups=unused,
        group_finder=unused,
        group_names=unused,
        numbers=unused,
        sync_tasks=cast(Any, tasks),
        completions=cast(Any, completions),
        writes=unused,
        clock=clock or FakeClock(),
    )


def retention_ports(
    outcomes: FakeOutcomes,
    groups: FakeRequests,
    users: FakeRequests,
    tasks: FakeSyncTasks,
    clock: FakeClock,
) -> Ports:
    """Ports for the retention sweep; the stores it never touches are left out."""
    unused = cast(Any, None)
    return Ports(
        enterprises=unused,
        users=cast(Any, users),
        groups=cast(Any, groups),
        group_finder=unused,
        group_names=unused,
        numbers=cast(Any, outcomes),
        sync_tasks=cast(Any, tasks),
        completions=unused,
        writes=cast(Any, FakeWrites()),
        clock=clock,
    )
