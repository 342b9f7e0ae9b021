"""A job's progress counts each command once, even when a redelivered batch counts it again."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from prometheus_client import CollectorRegistry
from pymongo import AsyncMongoClient

from textbus.kit.kafka import create_messaging
from textbus.kit.outbox import Outbox
from textbus.kit.settings import ServiceSettings
from textbus.numbers.adapters.outcomes import MongoOutcomes
from textbus.numbers.service.ports import Outcome, Position

pytestmark = pytest.mark.integration


def outcome(job_id: str | None, status: str = "applied") -> Outcome:
    return Outcome(
        command_id=uuid4(),
        number="+12125550100",
        tenant="acme",
        command_type="textbus.numbers.AddNumber.v1",
        status=status,
        code=None if status == "applied" else "already-exists",
        detail=None,
        job_id=job_id,
        at=datetime.now(UTC),
    )


async def test_a_redelivered_batch_is_not_counted_twice(
    settings_for: Callable[[str], ServiceSettings], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    settings = settings_for("numbers")
    outbox = Outbox(create_messaging(settings, CollectorRegistry()))
    outcomes = MongoOutcomes(mongo[settings.database_name], outbox)
    first_batch = [
        (outcome("job1"), Position(partition=3, offset=10)),
        (outcome("job1", "rejected"), Position(partition=3, offset=11)),
        (outcome("job1"), Position(partition=5, offset=7)),
        (outcome(None), Position(partition=5, offset=8)),  # a single command, not a job's
    ]

    await outcomes.count_jobs(first_batch)
    # A crash before the offsets were committed: the batch comes again, with one more command.
    await outcomes.count_jobs([*first_batch[1:], (outcome("job1"), Position(partition=3, offset=12))])

    assert await outcomes.job_progress("job1") == (4, 1)
