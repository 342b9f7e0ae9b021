"""What the same database and broker do with nothing of ours in between: the baselines.

Each baseline writes into scratch space of its own (a collection, a topic) in
the database and on the broker the service under test uses, and clears it
afterwards, so it runs on the same storage, at the same time, as the measure.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import RecordMetadata
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from bench.measure import Latencies, latencies

Document = dict[str, Any]
SCRATCH = "bench_scratch"

# FerretDB 1.24 hands SQLite a filter that is exactly {_id: <string>}; any other filter has every
# document of the collection decoded and matched inside FerretDB. So both shapes are timed.
FIND = "find_one {_id}"
FIND_FILTERED = "find_one {_id, tenant}"
UPDATE = "update_one {_id}, $set"
UPDATE_FILTERED = "update_one {_id, _applied $ne}, upserting a new _id"
INSERT = "insert_one"
SEND = "Kafka send_and_wait, acks=all"
COMMIT = "Kafka getone + commit, one record"
SMALL = 20  # documents in the "near-empty" collection


async def insert_many_rate(db: AsyncDatabase[Document], documents: list[Document]) -> float:
    """Documents per second, all in one ``insert_many`` (the driver splits it into batches)."""
    scratch = db[SCRATCH]
    await scratch.drop()
    start = time.perf_counter()
    await scratch.insert_many(documents)
    elapsed = time.perf_counter() - start
    await scratch.drop()
    return len(documents) / elapsed


async def insert_one_rate(db: AsyncDatabase[Document], documents: list[Document]) -> float:
    """Documents per second, one awaited ``insert_one`` after another."""
    scratch = db[SCRATCH]
    await scratch.drop()
    start = time.perf_counter()
    for document in documents:
        await scratch.insert_one(document)
    elapsed = time.perf_counter() - start
    await scratch.drop()
    return len(documents) / elapsed


@asynccontextmanager
async def producer_of(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    """A producer with acks=all and idempotence, as the services' producer."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def produce_all(
    producer: AIOKafkaProducer, topic: str, records: list[tuple[bytes, bytes]]
) -> list[RecordMetadata]:
    """Every record (value, key) in flight at once; what the broker answered for each."""
    sent = [await producer.send(topic, value, key=key) for value, key in records]
    return list(await asyncio.gather(*sent))


async def produce_rate(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> float:
    """Records per second sent with acks=all and idempotence (as the service's producer), all in flight
    at once: the broker's throughput for these records, not one round trip each."""
    async with producer_of(bootstrap) as producer:
        await producer.send_and_wait(topic, b"warm-up")
        start = time.perf_counter()
        await produce_all(producer, topic, records)
        return len(records) / (time.perf_counter() - start)


@dataclass(frozen=True)
class OperationCosts:
    """One operation at a time, as a command handler issues them: each database operation in a
    near-empty collection and among ``filled`` documents, and Kafka's two round trips."""

    filled: int
    small: dict[str, Latencies]
    among_filled: dict[str, Latencies]
    kafka: dict[str, Latencies]

    def database(self, operation: str, documents: float) -> float:
        """Mean seconds of ``operation`` in a collection of ``documents``, interpolated linearly."""
        low, high = self.small[operation].mean, self.among_filled[operation].mean
        return low + max(0.0, high - low) * max(0.0, documents - SMALL) / (self.filled - SMALL)

    def as_json(self) -> dict[str, Any]:
        def ms(costs: dict[str, Latencies]) -> dict[str, Any]:
            return {
                n: {"mean": 1000 * c.mean, "p50": 1000 * c.p50, "p95": 1000 * c.p95} for n, c in costs.items()
            }

        return {
            "filled_documents": self.filled,
            f"database_among_{SMALL}_ms": ms(self.small),
            f"database_among_{self.filled}_ms": ms(self.among_filled),
            "kafka_ms": ms(self.kafka),
        }


async def operation_costs(
    db: AsyncDatabase[Document], bootstrap: str, topic: str, group: str, *, sample: int, filled: int
) -> OperationCosts:
    scratch = db[SCRATCH]
    small = await _database_costs(scratch, SMALL, sample)
    among_filled = await _database_costs(scratch, filled, max(10, sample // 20))
    await scratch.drop()
    return OperationCosts(filled, small, among_filled, await _kafka_costs(bootstrap, topic, group, sample))


def _filler(i: int) -> Document:
    return {"_id": f"+1999{i:07d}", "tenant": "bench", "sms_capable": True, "_applied": [str(uuid.uuid4())]}


async def _database_costs(
    scratch: AsyncCollection[Document], documents: int, sample: int
) -> dict[str, Latencies]:
    await scratch.drop()
    await scratch.insert_many([_filler(i) for i in range(documents)])
    step = max(1, documents // sample)
    ids = [_filler((i * step) % documents)["_id"] for i in range(sample)]
    finds, filtered, sets = iter(ids), iter(ids), iter(ids)
    costs = {
        FIND: await latencies(lambda: scratch.find_one({"_id": next(finds)}), sample),
        FIND_FILTERED: await latencies(
            lambda: scratch.find_one({"_id": next(filtered), "tenant": "bench"}), sample
        ),
        UPDATE: await latencies(
            lambda: scratch.update_one({"_id": next(sets)}, {"$set": {"seen": True}}), sample
        ),
    }
    upserts, inserts = [], []
    for i in range(sample):
        # A conditional upsert adding a document (the shape textbus.kit.mongo.apply_once once had), and
        # a plain insert; each new document is deleted, untimed, so the collection keeps its size.
        new_id, envelope_id = f"+1888{i:07d}", str(uuid.uuid4())
        start = time.perf_counter()
        await scratch.update_one(
            {"_id": new_id, "_applied": {"$ne": envelope_id}},
            {"$set": {"tenant": "bench", "sms_capable": True}, "$push": {"_applied": envelope_id}},
            upsert=True,
        )
        upserts.append(time.perf_counter() - start)
        await scratch.delete_one({"_id": new_id})
        start = time.perf_counter()
        await scratch.insert_one({"_id": new_id, "tenant": "bench"})
        inserts.append(time.perf_counter() - start)
        await scratch.delete_one({"_id": new_id})
    costs[UPDATE_FILTERED] = Latencies(upserts)
    costs[INSERT] = Latencies(inserts)
    return costs


def priced_as(shape: str) -> str:
    """Which operation timed alone a database command seen in the service costs like; ``Operations``
    names a command ``db <command> <collection> {<filter keys>}``."""
    command = shape.split()[1]
    keys = shape[shape.index("{") + 1 : shape.index("}")].split(",") if "{" in shape else []
    # A find drops dotted keys before it hands the filter down; an update does not.
    by_id_alone = [k for k in keys if "." not in k or command != "find"] == ["_id"]
    if command == "insert":
        return INSERT
    if command in ("update", "delete", "findAndModify"):
        return UPDATE if by_id_alone else UPDATE_FILTERED
    return FIND if by_id_alone else FIND_FILTERED


async def _kafka_costs(bootstrap: str, topic: str, group: str, sample: int) -> dict[str, Latencies]:
    costs: dict[str, Latencies] = {}
    async with producer_of(bootstrap) as producer:
        await producer.send_and_wait(topic, b"warm-up")
        record = b'{"specversion": "1.0", "type": "bench"}'
        costs[SEND] = await latencies(
            lambda: producer.send_and_wait(topic, record, key=b"+19990000000"), sample
        )
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        await consumer.getone()  # joins the group: not part of a record's cost

        async def consume_and_commit() -> None:
            await consumer.getone()
            await consumer.commit()

        costs[COMMIT] = await latencies(consume_and_commit, sample)
    finally:
        await consumer.stop()
    return costs
