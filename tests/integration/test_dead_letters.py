"""A record that fails validation lands on the service's dead-letter topic; the consumer goes on."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from tests.support import eventually, produce, read_records
from textbus.contracts import Envelope, dead_letter_topic
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.kit.service import running
from textbus.kit.settings import ServiceSettings
from textbus.numbers.bootstrap import bootstrap

pytestmark = pytest.mark.integration


async def test_a_malformed_record_is_dead_lettered_and_the_next_one_is_applied(
    settings_for: Callable[[str], ServiceSettings], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    settings = settings_for("numbers")
    bootstrap_servers = settings.kafka.bootstrap_servers
    events = settings.topic_name("assignments.events.v1")
    good = Envelope.wrap(
        UserUpserted(user_id="u1", display_name="Ann", sign_in_name="ann@acme.test", enabled=True),
        source="assignments",
        subject="u1",
        tenant="acme",
    )
    wrong_shape = {**good.model_dump(mode="json"), "data": {"user_id": "u2"}}

    async with running(bootstrap(settings)):
        await produce(bootstrap_servers, events, b"this is not json", key=b"u0")
        await produce(bootstrap_servers, events, json.dumps(wrong_shape).encode(), key=b"u2")
        await produce(bootstrap_servers, events, good.to_json(), key=b"u1")

        assignees = mongo[settings.database_name]["assignees"]
        stored = await eventually(lambda: assignees.find_one({"_id": "acme/user/u1"}))

    assert stored["name"] == "Ann"
    dead = await read_records(bootstrap_servers, settings.topic_name(dead_letter_topic("numbers")), 2)
    by_value = {r.value: dict((k, v.decode()) for k, v in r.headers) for r in dead}
    assert by_value[b"this is not json"]["x-dead-letter-reason"] == "malformed"
    assert by_value[b"this is not json"]["x-original-topic"] == events
    [shape_headers] = [h for v, h in by_value.items() if v != b"this is not json"]
    assert shape_headers["x-dead-letter-reason"] == "malformed"
    assert "display_name" in shape_headers["x-dead-letter-error"]
    assert await assignees.count_documents({}) == 1
