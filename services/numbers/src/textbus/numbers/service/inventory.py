"""Use cases behind the numbers REST API.

A single-number change is a command on numbers.commands.v1 whose outcome the
caller waits for; bulk work is checked as a whole first (a capability change
or a delete that includes an assigned number is refused, naming them) and then
becomes a job.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from textbus.contracts import Envelope
from textbus.contracts.numbers.v1 import NumberCommand
from textbus.kit.auth import Principal
from textbus.kit.problems import Conflict, Forbidden, InvalidRequest, NotFound, Unavailable
from textbus.numbers.config import NumbersSettings
from textbus.numbers.service.jobs import CommandPublisher, JobKind, Jobs, JobView
from textbus.numbers.service.ports import Outcome, Outcomes
from textbus.numbers.service.queries import NumberFilter

Document = dict[str, Any]

# Rejection codes that mean the request itself is wrong; the others conflict with the number's state.
_INVALID = {"carrier-profile-unknown", "assignee-unknown", "unknown-command"}


class Selection(Protocol):
    async def numbers_of(self, tenant: str, numbers: list[str]) -> dict[str, Document]: ...

    async def matching(self, tenant: str, criteria: NumberFilter) -> list[Document]: ...


class Knowledge(Protocol):
    async def profile_known(self, tenant: str, profile: str) -> bool: ...

    async def manages_own_numbers(self, tenant: str) -> bool: ...


@dataclass
class Inventory:
    publish: CommandPublisher
    outcomes: Outcomes
    selection: Selection
    knowledge: Knowledge
    jobs: Jobs
    settings: NumbersSettings
    clock: Callable[[], datetime]

    async def require_manager(self, principal: Principal, tenant: str) -> None:
        """Adding, updating and deleting numbers: the provider, or admins of an enterprise that
        manages its own numbers (an assignments-service setting)."""
        principal.require_tenant(tenant)
        if not principal.is_provider and not await self.knowledge.manages_own_numbers(tenant):
            raise Forbidden("this enterprise's numbers are managed by its provider")

    async def require_profile(self, tenant: str, profile: str | None) -> None:
        if profile is not None and not await self.knowledge.profile_known(tenant, profile):
            raise InvalidRequest(f"carrier profile {profile!r} does not exist", carrier_profile_id=profile)

    async def change(self, tenant: str, command: NumberCommand, correlation_id: str | None = None) -> Outcome:
        """Publish one command and wait for its outcome; a refusal becomes the matching problem."""
        envelope = Envelope.wrap(
            command, source="numbers", subject=command.number, tenant=tenant, correlation_id=correlation_id
        )
        await self.publish(envelope)
        outcome = await self._wait(envelope.id)
        if outcome.status == "rejected":
            raise problem_for(outcome.code or "", outcome.detail or "", outcome.number)
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
        raise Unavailable(
            "the change was accepted but not applied in time; it will still be applied",
            command_id=str(command_id),
        )

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
                raise NotFound("some numbers are not in this enterprise's inventory", numbers=missing)
            selected = [found[n] for n in dict.fromkeys(chosen)]
        if len(selected) > self.settings.max_bulk_numbers:
            raise InvalidRequest(
                f"{len(selected)} numbers selected; at most {self.settings.max_bulk_numbers} at once"
            )
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
                raise Conflict(
                    f"{len(assigned)} of the selected numbers are assigned; unassign them first",
                    code="number-assigned",
                    numbers=assigned,
                )
        return await self.jobs.start(
            tenant=tenant,
            kind=kind,
            requested_by=requested_by,
            numbers=[{"number": d["_id"]} for d in selected],
            params=params,
        )


def problem_for(code: str, detail: str, number: str) -> Exception:
    if code == "not-found":
        return NotFound(detail, code=code, number=number)
    if code in _INVALID:
        return InvalidRequest(detail, code=code, number=number)
    return Conflict(detail, code=code, number=number)
