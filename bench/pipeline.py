"""The baseline of bench/outbound: the gateway's I/O with nothing of ours in between.

Per send request: consume it (aiokafka), one insert into the database, one POST to the carrier
(the Twilio simulator's Messages resource, as the gateway's Twilio adapter posts it, without a
status callback), one produce of a status record (acks=all, idempotent, as the service's
producer). Taken a batch at a time like the gateway's intake (each number's records in order,
different numbers at once), the offsets committed after each batch. Runs as its own process,
as the gateway does, until SIGTERM:

    python -m bench.pipeline BOOTSTRAP MONGO_URL DATABASE REQUESTS STATUS CARRIER_URL SID TOKEN
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections import defaultdict
from dataclasses import dataclass

import aiohttp
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from bench.baselines import producer_of
from textbus.carrier_gateway.config import GatewaySettings

Document = dict[str, object]
# The gateway's intake takes this many requests at a time.
BATCH = GatewaySettings().intake_batch_size


@dataclass(frozen=True)
class Pipeline:
    collection: AsyncCollection[Document]
    http: aiohttp.ClientSession
    producer: AIOKafkaProducer
    status_topic: str
    messages_url: str
    auth: aiohttp.BasicAuth

    async def one(self, record: ConsumerRecord[bytes, bytes]) -> None:
        envelope = json.loads(record.value or b"")
        request = envelope["data"]
        await self.collection.insert_one(
            {"_id": request["message_id"], "from": request["from_number"], "to": request["to"]}
        )
        form = {"To": request["to"][0], "From": request["from_number"], "Body": request["text"]}
        async with self.http.post(self.messages_url, data=form, auth=self.auth) as answer:
            answer.raise_for_status()
            carrier_id = (await answer.json())["sid"]
        status = {"message_id": request["message_id"], "state": "delivered", "carrier_id": carrier_id}
        await self.producer.send_and_wait(self.status_topic, json.dumps(status).encode(), key=record.key)

    async def batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        by_number: dict[bytes | None, list[ConsumerRecord[bytes, bytes]]] = defaultdict(list)
        for record in records:
            by_number[record.key].append(record)

        async def in_order(these: list[ConsumerRecord[bytes, bytes]]) -> None:
            for record in these:
                await self.one(record)

        await asyncio.gather(*(in_order(these) for these in by_number.values()))


async def run(argv: list[str]) -> None:
    bootstrap, mongo_url, database, requests, status, carrier_url, sid, token = argv
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stopping.set)
    consumer = AIOKafkaConsumer(
        requests,
        bootstrap_servers=bootstrap,
        group_id=f"{requests}.pipeline",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    mongo: AsyncMongoClient[Document] = AsyncMongoClient(mongo_url)
    await consumer.start()
    try:
        async with producer_of(bootstrap) as producer, aiohttp.ClientSession() as http:
            pipeline = Pipeline(
                mongo[database]["messages"],
                http,
                producer,
                status,
                f"{carrier_url}/2010-04-01/Accounts/{sid}/Messages.json",
                aiohttp.BasicAuth(sid, token),
            )
            while not stopping.is_set():
                fetched = await consumer.getmany(timeout_ms=200, max_records=BATCH)
                records = [r for partition in fetched.values() for r in partition]
                if records:
                    await pipeline.batch(records)
                    await consumer.commit()
    finally:
        await consumer.stop()
        await mongo.close()


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1:]))
