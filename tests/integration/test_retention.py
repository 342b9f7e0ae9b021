"""The retention sweeper over the real database: what is older than its horizon goes, what is
recent stays, and a job still running stays however old it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from prometheus_client import CollectorRegistry
from pymongo import AsyncMongoClient

from textbus.contracts import Envelope, topic
from textbus.contracts.numbers.v1 import NumberCommandRejected
from textbus.kit.kafka import create_messaging
from textbus.kit.mongo import create_indexes
from textbus.kit.outbox import Outbox, outbox_entries
from textbus.kit.settings import ServiceSettings
from textbus.numbers.adapters.indexes import INDEXES
from textbus.numbers.adapters.jobs import MongoJobs
from textbus.numbers.adapters.outcomes import MongoOutcomes
from textbus.numbers.service.ports import Outcome, Position
from textbus.numbers.service.retention import RetentionSweeper, Swept

pytestmark = pytest.mark.integration

NOW = datetime(2026, 6, 1, tzinfo=UTC)
N = "+12125550100"


def outcome(at: datetime, job_id: str | None = None) -> Outcome:
    return Outcome(
        command_id=uuid4(),
        number=N,
        tenant="acme",
        command_type="textbus.numbers.AddNumber.v1",
        status="applied",
        code=None,
        detail=None,
        job_id=job_id,
        at=at,
    )


class Store:
    """Outcomes and jobs written as the service writes them."""

    def __init__(self, outcomes: MongoOutcomes, jobs: MongoJobs) -> None:
        self.outcomes, self.jobs, self.offset = outcomes, jobs, 0

    async def command(self, age: timedelta) -> Outcome:
        recorded = outcome(NOW - age)
        await self.outcomes.record(recorded, None)
        return recorded

    async def job(self, age: timedelta, *, commands: int, applied: int) -> str:
        """A published job of ``commands`` numbers, ``applied`` of them counted so far."""
        job_id, created = uuid4().hex, NOW - age
        items = [{"number": f"+1212555{i:04d}"} for i in range(commands)]
        document = {
            "_id": job_id,
            "tenant": "acme",
            "kind": "range",
            "requested_by": "admin",
            "params": {},
            "commands": commands,
            "rejected": [],
            "created_at": created,
        }
        await self.jobs.create(document, [items])
        await self.jobs.mark_published(job_id, 1, 1, created)
        counted = []
        for _ in range(applied):
            recorded = outcome(created, job_id)
            await self.outcomes.record(recorded, None)
            self.offset += 1
            counted.append((recorded, Position(partition=0, offset=self.offset)))
        await self.outcomes.count_jobs(counted)
        return job_id

    async def kept(self, job_id: str) -> tuple[bool, int, int, int]:
        """(job listed, its chunk's items, its progress, its outcomes)."""
        done, _ = await self.outcomes.job_progress(job_id)
        return (
            await self.jobs.get(job_id) is not None,
            len(await self.jobs.chunk(job_id, 0)),
            done,
            len(await self.outcomes.of_job(job_id)),
        )


async def test_old_outcomes_and_completed_jobs_go_recent_ones_and_running_jobs_stay(
    settings_for: Callable[[str], ServiceSettings], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    settings = settings_for("numbers")
    db = mongo[settings.database_name]
    outcomes = MongoOutcomes(db, Outbox(create_messaging(settings, CollectorRegistry())))
    jobs = MongoJobs(db)
    await create_indexes(db, INDEXES)
    store = Store(outcomes, jobs)
    sweeper = RetentionSweeper(
        outcomes=outcomes,
        jobs=jobs,
        clock=lambda: NOW,
        outcomes_kept=timedelta(days=30),
        jobs_kept=timedelta(days=90),
        interval_seconds=3600,
    )
    old_command = await store.command(timedelta(days=30, seconds=1))
    recent_command = await store.command(timedelta(days=29))
    # An old rejection whose event the relay has not published yet (Kafka down all along).
    unpublished = outcome(NOW - timedelta(days=60))
    rejection = NumberCommandRejected(
        number=N, command_type="textbus.numbers.AddNumber.v1", code="x", detail="x"
    )
    event = Envelope.wrap(rejection, source="numbers", subject=N, tenant="acme")
    await db["outcomes"].insert_one(
        {
            "_id": str(unpublished.command_id),
            "number": N,
            "tenant": "acme",
            "command_type": unpublished.command_type,
            "status": "rejected",
            "job_id": None,
            "at": unpublished.at,
            "_outbox": outbox_entries([(topic("numbers.events.v1"), event)]),
        }
    )
    old_job = await store.job(timedelta(days=91), commands=2, applied=2)
    recent_job = await store.job(timedelta(days=89), commands=2, applied=2)
    running_job = await store.job(timedelta(days=400), commands=2, applied=1)

    assert await sweeper.sweep() == Swept(outcomes=1, jobs=1)

    assert await outcomes.get(old_command.command_id) is None
    assert await outcomes.get(recent_command.command_id) == recent_command
    assert await outcomes.get(unpublished.command_id) is not None
    assert await store.kept(old_job) == (False, 0, 0, 0)
    assert await store.kept(recent_job) == (True, 2, 2, 2)
    assert await store.kept(running_job) == (True, 2, 1, 1)
    assert await sweeper.sweep() == Swept(outcomes=0, jobs=0)
