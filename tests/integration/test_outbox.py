"""An event stored with its document is published once delivered, and relayed after a crash."""

from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pymongo import AsyncMongoClient

from tests.support import read_records
from textbus.contracts import Envelope, topic
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.kit.kafka import create_messaging, ensure_topics
from textbus.kit.outbox import Outbox, with_outbox
from textbus.kit.settings import ServiceSettings

pytestmark = pytest.mark.integration

EVENTS = topic("assignments.events.v1")


def user_event(name: str) -> Envelope:
    return Envelope.wrap(
        UserUpserted(user_id="u1", display_name=name, sign_in_name="u1@x", enabled=True),
        source="assignments",
        subject="u1",
        tenant="acme",
    )


async def test_delivered_events_leave_the_outbox_and_leftovers_are_relayed(
    settings_for: Callable[[str], ServiceSettings], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    settings = settings_for("assignments")
    await ensure_topics(settings.kafka.bootstrap_servers, [(settings.topic_name(EVENTS.name), 3)], 1)
    messaging = create_messaging(settings, CollectorRegistry())
    outbox = Outbox(messaging)
    users = mongo[settings.database_name]["users"]
    outbox.watch(users)
    first, second, third = user_event("Ann"), user_event("Ann Lee"), user_event("Ann B. Lee")
    await messaging.broker.connect()
    try:
        await users.update_one(
            {"_id": "u1"}, with_outbox({"$set": {"name": "Ann"}}, [(EVENTS, first)]), upsert=True
        )
        await users.update_one({"_id": "u1"}, with_outbox({"$set": {"name": "Ann Lee"}}, [(EVENTS, second)]))
        assert await outbox.deliver(users, "u1")
        assert (await users.find_one({"_id": "u1"}) or {})["_outbox"] == []

        # A crash between the write and the publish leaves the event queued on the document,
        # which the next start publishes.
        await users.update_one(
            {"_id": "u1"}, with_outbox({"$set": {"name": "Ann B. Lee"}}, [(EVENTS, third)])
        )
        await outbox.start()
        assert (await users.find_one({"_id": "u1"}) or {})["_outbox"] == []
    finally:
        await messaging.broker.stop()

    records = await read_records(settings.kafka.bootstrap_servers, settings.topic_name(EVENTS.name), 3)
    published = [
        Envelope.model_validate_json(r.value or b"").id for r in sorted(records, key=lambda r: r.offset)
    ]
    assert published == [first.id, second.id, third.id]
