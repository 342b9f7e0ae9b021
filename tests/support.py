"""Small helpers the integration and e2e tests share."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from textbus.contracts import Envelope, topic
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.devinfra.processes import LocalProcess, free_port, repo_root
from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings

T = TypeVar("T")


@dataclass
class Clock:
    """Time as the service under test sees it: the real time until a test moves it forward."""

    offset: timedelta = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


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


async def produce(
    bootstrap: str,
    topic: str,
    value: bytes,
    key: bytes | None = None,
    headers: list[tuple[str, bytes]] | None = None,
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


async def read_records(
    bootstrap: str, topic: str, count: int, timeout: float = 30.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """The first ``count`` records of ``topic`` (from the beginning, no consumer group)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
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


def recording_service(settings: ServiceSettings, received: list[Envelope]) -> Service:
    """A service on the kit alone whose one consumer (of assignments.events.v1) records each envelope."""
    service = Service.create(settings, title="recording")

    @service.messaging.subscribe(topic("assignments.events.v1"), handles=(UserUpserted,))
    async def on_event(envelope: Envelope) -> None:
        received.append(envelope)

    return service


class OwnKafka:
    """A Kafka broker of a test's own, on loopback, that the test may stop and start again (same
    port, same data), for what must survive Kafka going away."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.process = LocalProcess(
            name="kafka",
            script=repo_root() / "deploy/local/kafka.sh",
            env={
                "KAFKA_PORT": str(self.port),
                "KAFKA_CONTROLLER_PORT": str(free_port()),
                "KAFKA_DATA_DIR": str(data_dir / "kafka"),
            },
            log_path=data_dir / "kafka.log",
        )

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        await asyncio.to_thread(self.process.prepare)
        self.process.start()
        await asyncio.to_thread(self.process.wait_ready, 120)

    async def stop(self) -> None:
        await asyncio.to_thread(self.process.stop)


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
