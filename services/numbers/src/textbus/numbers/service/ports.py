"""What the numbers use cases need from storage and messaging."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from textbus.contracts import Envelope
from textbus.numbers.domain.numbers import Assignee, AssigneeFacts, NumberRecord


@dataclass(frozen=True)
class StoredNumber:
    record: NumberRecord | None  # None for a deleted number's tombstone
    applied: list[str]  # envelope ids applied to it, oldest first


@dataclass(frozen=True)
class Outcome:
    """What became of one command; the REST API waits for it, jobs count it."""

    command_id: UUID
    number: str
    tenant: str
    command_type: str
    status: str  # "applied" or "rejected"
    code: str | None
    detail: str | None
    job_id: str | None
    at: datetime


class Numbers(Protocol):
    async def load(self, number: str) -> StoredNumber | None: ...

    async def save(
        self,
        stored: StoredNumber | None,
        number: str,
        record: NumberRecord | None,
        command_id: UUID,
        event: Envelope,
    ) -> None:
        """Store the change (None deletes) and its event in one write, then publish the event."""
        ...

    async def deliver(self, number: str) -> None:
        """Publish whatever is still queued on the number (after a crash)."""
        ...

    def registered(self) -> AsyncIterator[tuple[str, str]]:
        """Every registered number that is not deleted, with its tenant: (number, tenant)."""
        ...


class RegistrationSlots(Protocol):
    """The tier limit's slots: a tenant's are ``<tenant>/<k>`` for k below its limit, each held by one
    registered number. Taking one is an insert of its id, which succeeds once however many processes
    try at the same moment: the insert is the check."""

    async def held(self, tenant: str) -> dict[str, str]:
        """The tenant's slots that are held, and the number holding each."""
        ...

    async def take(self, slot: str, tenant: str, number: str, at: datetime) -> bool:
        """Hold the slot for the number; False when it is held already (by any number)."""
        ...

    async def free(self, tenant: str, number: str) -> None:
        """Let go of every slot the number holds."""
        ...

    def holders(self) -> AsyncIterator[str]:
        """Every number that holds a slot."""
        ...


class ReadModelUpdates(Protocol):
    async def apply(self, envelope: Envelope) -> bool:
        """Learn from another service's event (users, groups, enterprises, carrier profiles,
        activity, domains); False when it was applied before or is not one the read models keep."""
        ...


class Facts(Protocol):
    async def profile_known(self, tenant: str, profile: str) -> bool: ...

    async def assignee_facts(self, tenant: str, assignee: Assignee) -> AssigneeFacts: ...

    async def last_activity(self, number: str) -> datetime | None: ...


@dataclass(frozen=True)
class Decided:
    """A command applied or refused, its outcome not recorded yet; a refusal's event goes with it."""

    outcome: Outcome
    rejection: Envelope | None = None


@dataclass(frozen=True)
class Position:
    """Where a command sat on numbers.commands.v1: the partition owns its number, offsets order it."""

    partition: int
    offset: int


class Outcomes(Protocol):
    async def get(self, command_id: UUID) -> Outcome | None: ...

    async def record(self, outcome: Outcome, event: Envelope | None) -> None:
        """Remember the outcome (and publish ``event`` with it, for a rejection) exactly once."""
        ...

    async def count_jobs(self, counted: Sequence[tuple[Outcome, Position]]) -> None:
        """Count the outcomes of job commands into their jobs' progress, each command once even when
        a redelivery counts it again."""
        ...
