from typing import Any

import pytest
from aiokafka import ConsumerRecord
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ValidationError
from pymongo.errors import AutoReconnect

from textbus.kit.kafka import DeadLetterLimit, DeadLetterLimitReached, DeadLetters, PermanentFailure
from textbus.kit.settings import DeadLetterSettings

pytestmark = pytest.mark.unit


class RecordingBroker:
    """Stands in for the broker's publish only: what reached the dead-letter topic."""

    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    async def publish(self, value: bytes, **kwargs: Any) -> None:
        self.published.append({"value": value, **kwargs})


def record(offset: int = 7) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic="t.in",
        partition=1,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"+14155550100",
        value=b"{bad",
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=4,
        headers=[("ce-type", b"x")],
    )


def dead_letters() -> tuple[DeadLetters, RecordingBroker]:
    broker = RecordingBroker()
    policy = DeadLetters(
        topic="svc.deadletter.v1", group="svc", registry=CollectorRegistry(), max_backoff_seconds=0.0
    )
    policy.broker = broker  # type: ignore[assignment]
    return policy, broker


def validation_error() -> ValidationError:
    class M(BaseModel):
        a: int

    try:
        M.model_validate({"a": "x"})
    except ValidationError as error:
        return error
    raise AssertionError


async def test_a_malformed_record_is_dead_lettered_at_once_with_its_reason() -> None:
    policy, broker = dead_letters()

    assert await policy.handle_failure(record(), validation_error()) is True

    [sent] = broker.published
    assert sent["topic"] == "svc.deadletter.v1"
    assert sent["value"] == b"{bad" and sent["key"] == b"+14155550100"
    assert sent["headers"]["x-dead-letter-reason"] == "malformed"
    assert sent["headers"]["x-original-offset"] == "7"
    assert sent["headers"]["ce-type"] == "x"


async def test_a_rejected_record_is_dead_lettered_at_once() -> None:
    policy, broker = dead_letters()
    assert await policy.handle_failure(record(), PermanentFailure("no such tenant")) is True
    assert broker.published[0]["headers"]["x-dead-letter-error"] == "PermanentFailure: no such tenant"


async def test_a_failing_handler_is_retried_before_the_record_is_dead_lettered() -> None:
    policy, broker = dead_letters()
    outcomes = [await policy.handle_failure(record(), RuntimeError("bug")) for _ in range(3)]
    assert outcomes == [False, False, True]
    assert broker.published[0]["headers"]["x-dead-letter-attempts"] == "3"


async def test_an_infrastructure_error_is_retried_and_never_dead_lettered() -> None:
    policy, broker = dead_letters()
    outcomes = [await policy.handle_failure(record(), AutoReconnect("db down")) for _ in range(10)]
    assert outcomes == [False] * 10
    assert broker.published == []


async def test_a_success_forgets_earlier_attempts() -> None:
    policy, _ = dead_letters()
    await policy.handle_failure(record(), RuntimeError("flaky"))
    await policy.handle_failure(record(), RuntimeError("flaky"))
    policy.succeeded(record())
    assert await policy.handle_failure(record(), RuntimeError("flaky")) is False


def limit(**settings: Any) -> DeadLetterLimit:
    return DeadLetterLimit(DeadLetterSettings(**settings))


def test_the_limit_admits_dead_letters_up_to_the_count_in_a_row() -> None:
    policy = limit(max_consecutive=3, window=100)
    for _ in range(3):
        policy.admit()
    with pytest.raises(DeadLetterLimitReached, match="3 records failed in a row"):
        policy.admit()
    assert policy.reached


def test_a_success_starts_the_count_in_a_row_again() -> None:
    policy = limit(max_consecutive=2, window=100)
    for _ in range(5):
        policy.admit()
        policy.admit()
        policy.succeeded()
    assert policy.reached is None


def test_the_limit_stops_at_a_share_of_the_recent_records() -> None:
    policy = limit(max_consecutive=100, max_ratio=0.5, window=4)
    policy.admit()
    policy.succeeded()
    policy.admit()  # 2 of 3 seen: the window is not full yet
    with pytest.raises(DeadLetterLimitReached, match="3 of the last 4"):
        policy.admit()


def test_once_reached_the_limit_refuses_every_dead_letter() -> None:
    policy = limit(max_consecutive=1)
    policy.admit()
    with pytest.raises(DeadLetterLimitReached):
        policy.admit()
    policy.succeeded()
    with pytest.raises(DeadLetterLimitReached):
        policy.admit()


async def test_a_dead_letter_past_the_limit_is_not_published() -> None:
    policy, broker = dead_letters()
    policy.limit = DeadLetterSettings(max_consecutive=1)
    await policy.handle_failure(record(1), validation_error())
    with pytest.raises(DeadLetterLimitReached):
        await policy.handle_failure(record(2), validation_error())
    assert [p["value"] for p in broker.published] == [b"{bad"]
    assert set(policy.halted) == {"t.in"}
