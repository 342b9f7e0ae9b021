"""A consumer whose records fail at an abnormal rate halts instead of dead-lettering them all."""

from collections.abc import Callable

import aiohttp
import pytest

from tests.support import eventually, produce, read_records, recording_service
from textbus.contracts import Envelope, dead_letter_topic
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.kit.service import running
from textbus.kit.settings import DeadLetterSettings, ServiceSettings

pytestmark = pytest.mark.integration


async def test_a_bad_deploy_halts_the_consumer_and_a_fixed_one_takes_up_every_record(
    settings_for: Callable[[str], ServiceSettings],
) -> None:
    settings = settings_for("numbers")
    strict = settings.model_copy(update={"dead_letters": DeadLetterSettings(max_consecutive=3)})
    events = settings.topic_name("assignments.events.v1")
    dead_letters = settings.topic_name(dead_letter_topic("numbers"))
    good = Envelope.wrap(
        UserUpserted(user_id="u1", display_name="Ann", sign_in_name="ann@acme.test", enabled=True),
        source="assignments",
        subject="u1",
        tenant="acme",
    )
    applied: list[Envelope] = []

    async with running(recording_service(strict, applied)) as live, aiohttp.ClientSession() as http:
        for n in range(5):
            await produce(settings.kafka.bootstrap_servers, events, b"not json %d" % n, key=b"k")
        await produce(settings.kafka.bootstrap_servers, events, good.to_json(), key=b"k")

        async def halted() -> dict[str, object] | None:
            async with http.get(f"{live.url}/readyz") as answer:
                body = await answer.json()
                return body if answer.status == 503 else None

        readiness = await eventually(halted)
        assert readiness["checks"] == {"kafka": True, "database": True, "consumers": False}
        with pytest.raises(AssertionError, match="3 of 4"):
            await read_records(settings.kafka.bootstrap_servers, dead_letters, 4, timeout=3)
        assert applied == []

    async with running(recording_service(settings, applied)):
        await eventually(lambda: _async([e.subject for e in applied] == ["u1"]))
    dead = await read_records(settings.kafka.bootstrap_servers, dead_letters, 5)
    assert sorted(r.value or b"" for r in dead) == [b"not json %d" % n for n in range(5)]


async def _async(value: bool) -> bool:
    return value
