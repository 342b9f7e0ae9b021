"""The inactivity sweeper: asks for the release of numbers idle for 6 months (seed 004).

It only publishes ReleaseNumber commands; the commands consumer, the number's
one writer, checks again that the number is still idle before releasing it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import NAMESPACE_URL, uuid5

from textbus.contracts import Envelope
from textbus.contracts.numbers.v1 import ReleaseNumber
from textbus.kit.clock import Clock
from textbus.kit.periodic import run_periodically
from textbus.numbers.domain.lifecycle import inactivity
from textbus.numbers.service.jobs import CommandPublisher

log = logging.getLogger(__name__)

INACTIVITY = "inactive for 6 months"


@dataclass(frozen=True)
class ActiveNumber:
    number: str
    tenant: str
    created_at: datetime
    last_activity_at: datetime | None


class ActiveNumbers(Protocol):
    def active(self) -> AsyncIterator[ActiveNumber]: ...


@dataclass
class InactivitySweeper:
    numbers: ActiveNumbers
    publish: CommandPublisher
    clock: Clock
    interval_seconds: float

    async def sweep(self) -> int:
        """Ask for the release of every number due; returns how many were asked for."""
        now, asked = self.clock(), 0
        async for candidate in self.numbers.active():
            idle = inactivity(
                created_at=candidate.created_at, last_activity_at=candidate.last_activity_at, now=now
            )
            if not idle.due:
                continue
            command = ReleaseNumber(
                number=candidate.number, requested_by="inactivity-sweeper", reason=INACTIVITY
            )
            envelope = Envelope.wrap(
                command, source="numbers", subject=candidate.number, tenant=candidate.tenant
            )
            # One id per number and idle period: sweeping again asks again with the same id.
            release_id = uuid5(
                NAMESPACE_URL, f"textbus:release:{candidate.number}:{idle.release_at.isoformat()}"
            )
            await self.publish(envelope.model_copy(update={"id": release_id}))
            asked += 1
        if asked:
            log.info("asked to release inactive numbers", extra={"count": asked})
        return asked

    async def run_forever(self) -> None:
        await run_periodically(self.sweep, every_seconds=self.interval_seconds, name="inactivity sweep")
