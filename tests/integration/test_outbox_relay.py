"""An event that Kafka did not take when its change was stored is published once Kafka is back,
by the running service's relay: no restart needed."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import OwnKafka, eventually, read_records
from textbus.contracts import Envelope, topic
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.devinfra.processes import Endpoints
from textbus.kit.outbox import with_outbox
from textbus.kit.service import Service, running
from textbus.kit.settings import HttpSettings, KafkaSettings, MongoSettings, ServiceSettings

pytestmark = pytest.mark.integration

EVENTS = topic("assignments.events.v1")


@pytest.fixture
async def kafka(tmp_path: Path) -> AsyncIterator[OwnKafka]:
    broker = OwnKafka(tmp_path)
    await broker.start()
    yield broker
    await broker.stop()


async def test_an_event_kafka_did_not_take_is_published_once_kafka_is_back(
    kafka: OwnKafka, infrastructure: Endpoints, isolation: str
) -> None:
    settings = ServiceSettings(
        service="assignments",
        http=HttpSettings(host="127.0.0.1", port=0),
        kafka=KafkaSettings(bootstrap_servers=kafka.bootstrap, topic_prefix=f"{isolation}."),
        mongo=MongoSettings(url=infrastructure.mongo_url, database_prefix=f"{isolation}_"),
    )
    service = Service.create(settings, title="outbox")
    users = service.db["users"]
    service.outbox.watch(users)
    ann = UserUpserted(user_id="u1", display_name="Ann", sign_in_name="ann@acme.test", enabled=True)
    event = Envelope.wrap(ann, source="assignments", subject="u1", tenant="acme")

    async with running(service):
        await kafka.stop()
        change = with_outbox({"$set": {"name": "Ann"}}, [(EVENTS, event)])
        await users.update_one({"_id": "acme/u1"}, change, upsert=True)
        assert not await service.outbox.deliver(users, "acme/u1", [(EVENTS, event)])
        assert service.outbox.undelivered == 1

        await kafka.start()

        async def delivered() -> dict[str, Any] | None:
            document = await users.find_one({"_id": "acme/u1"})
            return document if document and not document["_outbox"] else None

        stored = await eventually(delivered, timeout=90)
        assert service.outbox.undelivered == 0

    assert stored["name"] == "Ann"
    # The producer may still send the first attempt once Kafka is back: consumers dedupe on the id.
    records = await read_records(kafka.bootstrap, settings.topic_name(EVENTS.name), 1)
    assert {Envelope.model_validate_json(r.value or b"").id for r in records} == {event.id}
