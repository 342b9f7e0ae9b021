"""Records on Kafka are CloudEvents in the binding's structured mode, read and written by the SDK too."""

from collections.abc import Callable
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event, to_structured_event
from cloudevents.core.v1.event import CloudEvent

from tests.support import eventually, produce, recording_service
from textbus.contracts import Envelope, topic
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.kit.service import running
from textbus.kit.settings import ServiceSettings

pytestmark = pytest.mark.integration

ANN = UserUpserted(user_id="u1", display_name="Ann", sign_in_name="ann@acme.test", enabled=True)


async def test_a_published_record_is_a_structured_cloudevent_the_sdk_reads(
    settings_for: Callable[[str], ServiceSettings],
) -> None:
    settings = settings_for("numbers")
    envelope = Envelope.wrap(ANN, source="assignments", subject="u1", tenant="acme", correlation_id="c-1")
    async with running(recording_service(settings, [])) as live:
        await live.service.messaging.publish(topic("assignments.events.v1"), envelope)

    consumer = AIOKafkaConsumer(
        settings.topic_name("assignments.events.v1"),
        bootstrap_servers=settings.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        record = await consumer.getone()
    finally:
        await consumer.stop()

    headers = dict(record.headers)
    assert headers["content-type"].startswith(b"application/cloudevents+json")
    assert not [name for name in headers if name.startswith("ce_")]
    event = from_kafka_event(KafkaMessage(headers=headers, key=record.key, value=record.value or b""))
    assert (event.get_id(), event.get_type()) == (str(envelope.id), "textbus.assignments.UserUpserted.v1")
    assert (event.get_extension("tenant"), event.get_extension("correlationid")) == ("acme", "c-1")
    assert event.get_extension("partitionkey") == "u1"
    assert event.get_data() == ANN.model_dump(mode="json")


async def test_a_record_written_by_the_sdk_is_consumed(
    settings_for: Callable[[str], ServiceSettings],
) -> None:
    settings = settings_for("numbers")
    event = CloudEvent(
        attributes={
            "id": str(uuid4()),
            "type": "textbus.assignments.UserUpserted.v1",
            "source": "crm",
            "subject": "u1",
            "tenant": "acme",
            "datacontenttype": "application/json",
            "partitionkey": "u1",
        },
        data=ANN.model_dump(mode="json"),
    )
    message = to_structured_event(event)
    received: list[Envelope] = []

    async with running(recording_service(settings, received)):
        await produce(
            settings.kafka.bootstrap_servers,
            settings.topic_name("assignments.events.v1"),
            message.value,
            key=b"u1",
            headers=list(message.headers.items()),
        )
        [envelope] = await eventually(lambda: _async(received))

    assert (envelope.source, envelope.tenant, envelope.data) == ("crm", "acme", ANN)


async def _async(value: list[Envelope]) -> list[Envelope]:
    return value
