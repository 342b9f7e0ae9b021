"""Small in-memory fakes of the ports the sync-task keeper uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from textbus.assignments.domain.enterprises import ConnectorApp, Enterprise, SmsSettings
from textbus.assignments.domain.sync_tasks import Completion, SyncTask, SyncTaskKind
from textbus.assignments.service.locks import KeyedLocks
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
        self.counted_ids: set[tuple[str, str, str]] = set()
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
        return (tenant, kind, change_id) in self.counted_ids

    async def mark_counted(self, tenant: str, kind: SyncTaskKind, change_id: str) -> None:
        self.counted_ids.add((tenant, kind, change_id))

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
        group_names=unused,
        numbers=unused,
        sync_tasks=cast(Any, tasks),
        completions=cast(Any, completions),
        locks=KeyedLocks(),
        clock=clock or FakeClock(),
    )
