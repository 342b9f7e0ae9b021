"""Use cases behind the numbers REST API, and the commands that reach them through the bus.

A single-number change is a command on numbers.commands.v1 whose outcome the
caller waits for; bulk work is checked as a whole first (a capability change
or a delete that includes an assigned number is refused, naming them) and then
becomes a job. Adding and deleting numbers is for managers (``require_manager``).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from uuid import UUID

from textbus.contracts import Envelope
from textbus.contracts.numbers.v1 import NumberCommand
from textbus.kit.bus import Command
from textbus.numbers.config import NumbersSettings
from textbus.numbers.domain.csv_import import parse_import
from textbus.numbers.domain.phone import number_range
from textbus.numbers.service.errors import (
    AssignedSelected,
    NotAppliedInTime,
    NotInInventory,
    NotManager,
    NumberRefused,
    TooManySelected,
    UnknownCarrierProfile,
)
from textbus.numbers.service.jobs import CommandPublisher, JobKind, Jobs, JobView
from textbus.numbers.service.ports import Outcome, Outcomes
from textbus.numbers.service.queries import NumberFilter

Document = dict[str, Any]


class Selection(Protocol):
    async def numbers_of(self, tenant: str, numbers: list[str]) -> dict[str, Document]: ...

    async def matching(self, tenant: str, criteria: NumberFilter) -> list[Document]: ...


class Knowledge(Protocol):
    async def profile_known(self, tenant: str, profile: str) -> bool: ...

    async def manages_own_numbers(self, tenant: str) -> bool: ...


@dataclass(frozen=True)
class ChangeNumber(Command[Outcome]):
    """One number's change (``change``), answered once it is applied; refused by the number's rules."""

    tenant: str
    change: NumberCommand
    is_provider: bool
    managers_only: bool
    """Adding, updating, deleting and registering numbers; anyone of the tenant assigns."""
    carrier_profile_id: str | None = None
    """The carrier profile the change sets, which must be known."""
    correlation_id: str | None = None


@dataclass(frozen=True)
class AddRange(Command[JobView]):
    """Add every number of first..last (national numbers of one country), as a job."""

    tenant: str
    requested_by: str
    is_provider: bool
    country_code: int
    first: str
    last: str
    sms_capable: bool
    carrier_profile_id: str | None


@dataclass(frozen=True)
class ImportNumbers(Command[JobView]):
    """Add the numbers of a CSV file (the template's form), as a job; bad lines are its results."""

    tenant: str
    requested_by: str
    is_provider: bool
    content: bytes
    carrier_profile_id: str | None


@dataclass(frozen=True)
class ChangeInBulk(Command[JobView]):
    """Update or delete the chosen numbers (named, or those a filter matches), as a job."""

    tenant: str
    requested_by: str
    is_provider: bool
    kind: Literal["update", "delete"]
    chosen: tuple[str, ...] | NumberFilter
    refuse_assigned: bool
    """A capability change or a delete: refused whole, naming them, if any is assigned."""
    carrier_profile_id: str | None = None
    params: Document | None = None


@dataclass
class Inventory:
    publish: CommandPublisher
    outcomes: Outcomes
    selection: Selection
    knowledge: Knowledge
    jobs: Jobs
    settings: NumbersSettings

    async def change_number(self, command: ChangeNumber) -> Outcome:
        if command.managers_only:
            await self.require_manager(command.tenant, is_provider=command.is_provider)
        await self.require_profile(command.tenant, command.carrier_profile_id)
        return await self.change(command.tenant, command.change, command.correlation_id)

    async def add_range(self, command: AddRange) -> JobView:
        await self.require_manager(command.tenant, is_provider=command.is_provider)
        block = number_range(
            command.country_code, command.first, command.last, max_size=self.settings.max_range_size
        )
        await self.require_profile(command.tenant, command.carrier_profile_id)
        return await self.jobs.start(
            tenant=command.tenant,
            kind="range",
            requested_by=command.requested_by,
            numbers=[{"number": n} for n in block.numbers()],
            params={"sms_capable": command.sms_capable, "carrier_profile_id": command.carrier_profile_id},
        )

    async def import_numbers(self, command: ImportNumbers) -> JobView:
        await self.require_manager(command.tenant, is_provider=command.is_provider)
        await self.require_profile(command.tenant, command.carrier_profile_id)
        rows = parse_import(
            command.content, max_bytes=self.settings.max_import_bytes, max_rows=self.settings.max_import_rows
        )
        return await self.jobs.start(
            tenant=command.tenant,
            kind="import",
            requested_by=command.requested_by,
            numbers=[
                {"number": r.number, "line": r.line, "sms_capable": r.sms_capable}
                for r in rows
                if r.error is None
            ],
            rejected=[
                {"number": r.number, "line": r.line, "code": r.error, "detail": r.detail}
                for r in rows
                if r.error is not None
            ],
            params={"carrier_profile_id": command.carrier_profile_id},
        )

    async def change_in_bulk(self, command: ChangeInBulk) -> JobView:
        await self.require_manager(command.tenant, is_provider=command.is_provider)
        await self.require_profile(command.tenant, command.carrier_profile_id)
        chosen = command.chosen if isinstance(command.chosen, NumberFilter) else list(command.chosen)
        selected = await self.select(command.tenant, chosen)
        return await self.bulk(
            command.tenant,
            command.kind,
            command.requested_by,
            selected,
            refuse_assigned=command.refuse_assigned,
            params=command.params,
        )

    async def require_manager(self, tenant: str, *, is_provider: bool) -> None:
        """Adding, updating and deleting numbers: the provider, or admins of an enterprise that
        manages its own numbers (an assignments-service setting). That an admin acts on their own
        tenant only is the kit's check, for every tenant's route."""
        if not is_provider and not await self.knowledge.manages_own_numbers(tenant):
            raise NotManager()

    async def require_profile(self, tenant: str, profile: str | None) -> None:
        if profile is not None and not await self.knowledge.profile_known(tenant, profile):
            raise UnknownCarrierProfile(profile)

    async def change(self, tenant: str, command: NumberCommand, correlation_id: str | None = None) -> Outcome:
        """Publish one command and wait for its outcome; a refusal is raised as ``NumberRefused``."""
        envelope = Envelope.wrap(
            command, source="numbers", subject=command.number, tenant=tenant, correlation_id=correlation_id
        )
        await self.publish(envelope)
        outcome = await self._wait(envelope.id)
        if outcome.status == "rejected":
            raise NumberRefused(outcome.code or "", outcome.detail or "", outcome.number)
        return outcome

    async def _wait(self, command_id: UUID) -> Outcome:
        deadline = time.monotonic() + self.settings.command_timeout_seconds
        delay = 0.02
        while time.monotonic() < deadline:
            outcome = await self.outcomes.get(command_id)
            if outcome is not None:
                return outcome
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.25)
        raise NotAppliedInTime(command_id)

    async def select(self, tenant: str, chosen: list[str] | NumberFilter) -> list[Document]:
        """The numbers a bulk request names: an explicit list (all must be the tenant's), or those a
        filter matches (an empty one: every number; the API lets a caller ask for that only
        explicitly)."""
        if isinstance(chosen, NumberFilter):
            selected = await self.selection.matching(tenant, chosen)
        else:
            found = await self.selection.numbers_of(tenant, chosen)
            missing = [n for n in chosen if n not in found]
            if missing:
                raise NotInInventory(missing)
            selected = [found[n] for n in dict.fromkeys(chosen)]
        if len(selected) > self.settings.max_bulk_numbers:
            raise TooManySelected(len(selected), self.settings.max_bulk_numbers)
        return selected

    async def bulk(
        self,
        tenant: str,
        kind: JobKind,
        requested_by: str,
        selected: list[Document],
        *,
        refuse_assigned: bool,
        params: Document | None = None,
    ) -> JobView:
        if refuse_assigned:
            assigned = [d["_id"] for d in selected if d.get("assignee_key")]
            if assigned:
                raise AssignedSelected(assigned)
        return await self.jobs.start(
            tenant=tenant,
            kind=kind,
            requested_by=requested_by,
            numbers=[{"number": d["_id"]} for d in selected],
            params=params,
        )
