"""aiokafka against the broker version we run: produce, consume in a group, commit, resume."""

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from textbus.devinfra.processes import Endpoints
from textbus.kit.kafka import ensure_topics

pytestmark = pytest.mark.integration


async def test_a_group_resumes_after_its_committed_offset(infrastructure: Endpoints, isolation: str) -> None:
    topic = f"{isolation}.roundtrip"
    await ensure_topics(infrastructure.kafka_bootstrap, [(topic, 3)], replication_factor=1)
    producer = AIOKafkaProducer(
        bootstrap_servers=infrastructure.kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    for i in range(6):
        await producer.send_and_wait(topic, f"m{i}".encode(), key=b"same-key")
    await producer.stop()

    async def take(n: int) -> list[bytes]:
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=infrastructure.kafka_bootstrap,
            group_id=f"{isolation}-group",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            values = [(await consumer.getone()).value or b"" for _ in range(n)]
            await consumer.commit()
            return values
        finally:
            await consumer.stop()

    # One key, one partition: the order is the order they were produced in.
    assert await take(4) == [b"m0", b"m1", b"m2", b"m3"]
    assert await take(2) == [b"m4", b"m5"]


async def test_creating_topics_again_leaves_them_alone(infrastructure: Endpoints, isolation: str) -> None:
    topic = f"{isolation}.twice"
    await ensure_topics(infrastructure.kafka_bootstrap, [(topic, 2)], replication_factor=1)
    await ensure_topics(infrastructure.kafka_bootstrap, [(topic, 5)], replication_factor=1)
    admin = AIOKafkaAdminClient(bootstrap_servers=infrastructure.kafka_bootstrap)
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
        assert len(description["partitions"]) == 2
    finally:
        await admin.close()
