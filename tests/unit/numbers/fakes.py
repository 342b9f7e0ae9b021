"""Small in-memory fakes of the ports the numbers command handler uses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from textbus.contracts import Envelope
from textbus.numbers.domain.numbers import Assignee, AssigneeFacts, NumberRecord
from textbus.numbers.service.ports import Outcome, Position, StoredNumber

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class MovingClock:
    """The time a test says it is; ``step`` moves it forward at every reading."""

    now: datetime = T0
    step: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        current = self.now
        self.now += self.step
        return current


@dataclass
class FakeNumbers:
    stored: dict[str, StoredNumber] = field(default_factory=dict)
    events: list[Envelope] = field(default_factory=list)
    saves: int = 0
    deliveries: int = 0
    # Saves that fail (the database gone, or the process killed) before the next one is stored.
    failing_saves: int = 0

    def put(self, record: NumberRecord) -> None:
        self.stored[record.number] = StoredNumber(record=record, applied=[])

    def record(self, number: str) -> NumberRecord | None:
        stored = self.stored.get(number)
        return stored.record if stored else None

    async def load(self, number: str) -> StoredNumber | None:
        return self.stored.get(number)

    async def save(
        self,
        stored: StoredNumber | None,
        number: str,
        record: NumberRecord | None,
        command_id: UUID,
        event: Envelope,
    ) -> None:
        if self.failing_saves:
            self.failing_saves -= 1
            raise ConnectionError("the database is unreachable")
        applied = stored.applied if stored else []
        self.stored[number] = StoredNumber(record=record, applied=[*applied, str(command_id)])
        self.events.append(event)
        self.saves += 1

    async def deliver(self, number: str) -> None:
        self.deliveries += 1

    async def registered(self) -> AsyncIterator[tuple[str, str]]:
        for number, stored in list(self.stored.items()):
            if stored.record is not None and stored.record.registration == "registered":
                yield number, stored.record.tenant


@dataclass
class FakeSlots:
    """The tier slots: slot id -> (tenant, number holding it)."""

    slots: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Slots another replica takes (for the number given) between this one's read and its insert.
    taken_meanwhile: dict[str, str] = field(default_factory=dict)

    def hold(self, number: str, *slots: str, tenant: str = "acme") -> None:
        self.slots.update({slot: (tenant, number) for slot in slots})

    def of(self, number: str) -> list[str]:
        return sorted(slot for slot, (_, holder) in self.slots.items() if holder == number)

    async def held(self, tenant: str) -> dict[str, str]:
        return {slot: number for slot, (t, number) in self.slots.items() if t == tenant}

    async def take(self, slot: str, tenant: str, number: str, at: datetime) -> bool:
        if slot in self.taken_meanwhile:
            self.slots[slot] = (tenant, self.taken_meanwhile.pop(slot))
        if slot in self.slots:
            return False
        self.slots[slot] = (tenant, number)
        return True

    async def free(self, tenant: str, number: str) -> None:
        self.slots = {slot: held for slot, held in self.slots.items() if held != (tenant, number)}

    async def holders(self) -> AsyncIterator[str]:
        for _, number in list(self.slots.values()):
            yield number


@dataclass
class FakeFacts:
    profiles: set[tuple[str, str]] = field(default_factory=set)
    assignees: dict[tuple[str, Assignee], AssigneeFacts] = field(default_factory=dict)
    activity: dict[str, datetime] = field(default_factory=dict)
    assignee_lookups: int = 0
    # The assignee's event arrives after this many look-ups (None: it is known, or never arrives).
    arrives_after: int | None = None

    async def profile_known(self, tenant: str, profile: str) -> bool:
        return (tenant, profile) in self.profiles

    async def assignee_facts(self, tenant: str, assignee: Assignee) -> AssigneeFacts:
        self.assignee_lookups += 1
        if self.arrives_after is not None and self.assignee_lookups > self.arrives_after:
            return AssigneeFacts(exists=True, enabled=True)
        return self.assignees.get((tenant, assignee), AssigneeFacts(exists=False, enabled=False))

    async def last_activity(self, number: str) -> datetime | None:
        return self.activity.get(number)


@dataclass
class FakeOutcomes:
    by_id: dict[UUID, Outcome] = field(default_factory=dict)
    events: list[Envelope] = field(default_factory=list)
    counted: list[tuple[Outcome, Position]] = field(default_factory=list)

    async def get(self, command_id: UUID) -> Outcome | None:
        return self.by_id.get(command_id)

    async def record(self, outcome: Outcome, event: Envelope | None) -> None:
        if outcome.command_id in self.by_id:
            return
        self.by_id[outcome.command_id] = outcome
        if event is not None:
            self.events.append(event)

    async def count_jobs(self, counted: Sequence[tuple[Outcome, Position]]) -> None:
        self.counted.extend(counted)


def number_record(number: str = "+14155550100", tenant: str = "acme", **changes: Any) -> NumberRecord:
    """An active, SMS-capable, unassigned, unregistered number added at T0, with ``changes``."""
    record = NumberRecord(
        number=number,
        tenant=tenant,
        sms_capable=True,
        carrier_profile_id=None,
        assignee=None,
        registration="unregistered",
        lifecycle="active",
        created_at=T0,
        updated_at=T0,
    )
    return replace(record, **changes)
