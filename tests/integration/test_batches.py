"""A batch consumer applies each key's records in order and treats each record's failure on its own."""

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from tests.support import eventually, produce, read_records
from textbus.contracts import Envelope, dead_letter_topic, topic
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.kit.kafka import BatchRecord, PermanentFailure, Record
from textbus.kit.service import Service, running
from textbus.kit.settings import ServiceSettings

pytestmark = pytest.mark.integration

COMMANDS = topic("numbers.commands.v1")
# A topic that carries UserUpserted, whose display name the batch tests follow.
EVENTS = topic("assignments.events.v1")


def envelope(user_id: str, name: str) -> Envelope:
    return Envelope.wrap(
        UserUpserted(user_id=user_id, display_name=name, sign_in_name=f"{name}@acme.test", enabled=True),
        source="test",
        subject=user_id,
        tenant="acme",
    )


def batch_service(settings: ServiceSettings, apply: Callable[[str], Any]) -> Service:
    """A service whose one batch handler calls ``apply`` with each record's display name."""
    service = Service.create(settings, title="batches")
    messaging = service.messaging

    @messaging.subscribe_batch(EVENTS, handles=(UserUpserted,), max_records=50)
    async def handle(records: Sequence[Record]) -> None:
        async def one(item: BatchRecord) -> str:
            assert isinstance(item.envelope.data, UserUpserted)
            name = item.envelope.data.display_name
            await apply(name)
            return name

        await messaging.apply_batch(records, one)

    return service


async def test_each_key_in_order_and_each_failure_on_its_own(
    settings_for: Callable[[str], ServiceSettings],
) -> None:
    settings = settings_for("numbers")
    commands = settings.topic_name(EVENTS.name)
    applied: list[str] = []
    attempts: dict[str, int] = {}

    async def apply(name: str) -> None:
        attempts[name] = attempts.get(name, 0) + 1
        if name == "flaky" and attempts[name] < 3:
            raise RuntimeError("fails twice, then works")
        if name == "refused":
            raise PermanentFailure("can never be applied")
        applied.append(name)

    async with running(batch_service(settings, apply)):
        for key, value in [
            (b"k1", envelope("k1", "first").to_json()),
            (b"k2", b"this is not json"),
            (b"k1", envelope("k1", "flaky").to_json()),
            (b"k3", envelope("k3", "refused").to_json()),
            (b"k1", envelope("k1", "third").to_json()),
            (b"k3", envelope("k3", "after-refused").to_json()),
        ]:
            await produce(settings.kafka.bootstrap_servers, commands, value, key=key)
        await eventually(lambda: _async(len(applied) == 4))

    assert [n for n in applied if n in {"first", "flaky", "third"}] == ["first", "flaky", "third"]
    assert "after-refused" in applied
    assert attempts["flaky"] == 3
    dead = await read_records(
        settings.kafka.bootstrap_servers, settings.topic_name(dead_letter_topic("numbers")), 2
    )
    reasons = {r.key: dict((k, v.decode()) for k, v in r.headers)["x-dead-letter-reason"] for r in dead}
    assert reasons == {b"k2": "malformed", b"k3": "rejected"}


async def test_an_infrastructure_error_redelivers_the_batch_and_its_key_waits(
    settings_for: Callable[[str], ServiceSettings],
) -> None:
    settings = settings_for("numbers")
    commands = settings.topic_name(EVENTS.name)
    applied: list[str] = []
    down = {"once": True}

    async def apply(name: str) -> None:
        if name == "needs-db" and down["once"]:
            down["once"] = False
            raise ConnectionError("database unreachable")
        applied.append(name)

    async with running(batch_service(settings, apply)):
        for key, name in [(b"k1", "needs-db"), (b"k1", "after-needs-db"), (b"k2", "elsewhere")]:
            await produce(
                settings.kafka.bootstrap_servers, commands, envelope(key.decode(), name).to_json(), key=key
            )
        await eventually(lambda: _async("after-needs-db" in applied))

    # The key's next record waited for the one that failed; the batch was applied again as a whole.
    assert applied.index("needs-db") < applied.index("after-needs-db")
    assert applied.count("needs-db") == 1
    assert "elsewhere" in applied


async def _async(value: bool) -> bool:
    return value
