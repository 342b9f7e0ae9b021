"""Small helpers the integration and e2e tests share."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

T = TypeVar("T")


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout: float = 30.0) -> T:
    """The first truthy answer of ``probe``, polled until ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        answer = await probe()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing came within {timeout}s")
        await asyncio.sleep(0.2)


async def produce(bootstrap: str, topic: str, value: bytes, key: bytes | None = None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def read_records(bootstrap: str, topic: str, count: int, timeout: float = 30.0) -> list[ConsumerRecord]:
    """The first ``count`` records of ``topic`` (from the beginning, no consumer group)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        deadline = time.monotonic() + timeout
        while len(records) < count and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for partition_records in batch.values():
                records.extend(partition_records)
    finally:
        await consumer.stop()
    assert len(records) >= count, f"{len(records)} of {count} records on {topic}"
    return records


async def run_bounded(*argv: str, timeout: float, **options: Any) -> tuple[int | None, str]:
    """Run a command as a subprocess of this event loop (in-process services keep serving meanwhile):
    its exit code, None when it ran out of time, and all it printed."""
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        **options,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
        return None, output.decode(errors="replace")
    return process.returncode, output.decode(errors="replace")
