"""A consumer killed after storing its effect but before committing does not apply it twice."""

import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from tests.support import eventually, produce
from textbus.contracts import Envelope
from textbus.contracts.activity.v1 import NumberActivity
from textbus.kit.kafka import ensure_topics

pytestmark = pytest.mark.integration

NUMBER = "+14155550100"


def start_consumer(env: dict[str, str], crash: bool) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.crashing_consumer"],
        env={**env, "TEXTBUS_NUMBERS_PORT": "0", "CRASH_AFTER_EFFECT": "1" if crash else "0"},
        stdin=subprocess.DEVNULL,
    )


async def test_a_record_redelivered_after_a_crash_is_not_applied_twice(
    service_env: dict[str, str], isolation: str, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    bootstrap = service_env["TEXTBUS_KAFKA_BOOTSTRAP_SERVERS"]
    db = mongo[f"{isolation}_numbers"]
    envelope = Envelope.wrap(
        NumberActivity(number=NUMBER, direction="inbound", message_id="m1", at=datetime.now(UTC)),
        source="inbound-router",
        subject=NUMBER,
        tenant="acme",
    )

    activity = f"{isolation}.sms.activity.v1"
    await ensure_topics(bootstrap, [(activity, 3)], replication_factor=1)
    crashing = start_consumer(service_env, crash=True)
    try:
        await produce(bootstrap, activity, envelope.to_json(), key=NUMBER.encode())
        assert await asyncio.to_thread(crashing.wait, 60) == -9
    finally:
        crashing.kill()
    assert (await db["effects"].find_one({"_id": NUMBER}) or {})["n"] == 1

    restarted = start_consumer(service_env, crash=False)
    try:
        await eventually(lambda: _count(db["deliveries"], 2), timeout=60)
        await eventually(lambda: _committed(bootstrap, isolation), timeout=30)
    finally:
        restarted.terminate()
        assert await asyncio.to_thread(restarted.wait, 30) == 0

    assert (await db["deliveries"].find_one({"_id": NUMBER}) or {})["n"] == 2
    assert (await db["effects"].find_one({"_id": NUMBER}) or {})["n"] == 1


async def _count(collection: Any, n: int) -> bool:
    return ((await collection.find_one({"_id": NUMBER})) or {}).get("n") == n


async def _committed(bootstrap: str, isolation: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(f"{isolation}.numbers")
    finally:
        await admin.close()
    return any(
        tp.topic == f"{isolation}.sms.activity.v1" and meta.offset == 1 for tp, meta in offsets.items()
    )
