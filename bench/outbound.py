"""The carrier gateway under load: send requests on Kafka, the carrier's HTTP API, the delivered
status on Kafka (``./dev bench outbound``, see README).

The gateway runs as its own process (``python -m textbus.carrier_gateway``, settings from the
environment, as the e2e tests' ``launch`` runs a service), so that its memory can be read from
/proc. The carrier is the Twilio simulator, in this process, posting its signed status callbacks
to the gateway's webhook. Then the baseline, in a process of its own too (bench/pipeline.py):
the same records through bare aiokafka, one insert, one POST to the same simulator and one
produce each, on the same broker and database.

Both are fed a burst: every request produced at once, all in flight. A message's latency is
from its request record's Kafka timestamp (CreateTime, stamped by this process's producer) to
the moment this process reads its ``delivered`` status record; so with a burst it is mostly
time spent queued behind the others. Throughput is messages delivered over the time from the
first request's timestamp to the last delivered status read.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiokafka import AIOKafkaConsumer
from cryptography.fernet import Fernet
from pymongo import AsyncMongoClient

from bench.baselines import produce_all, producer_of
from bench.infrastructure import Infrastructure, delete_topics
from bench.measure import Kind, Latencies, ProcessCpu, Row, memory_mib, progress
from bench.numbers import BenchmarkFailed, Results
from textbus.contracts import Envelope, Payload
from textbus.contracts.assignments.v1 import EnterpriseUpserted
from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import NumberAssigned, NumberState
from textbus.contracts.outbound.v1 import Sender, SendMessage
from textbus.devinfra.carriers.twilio import TwilioSimulator
from textbus.devinfra.processes import free_port
from textbus.kit.auth import Role, mint
from textbus.kit.kafka import ensure_topics
from textbus.kit.settings import AuthSettings, HttpSettings, KafkaSettings, MongoSettings, ServiceSettings

Document = dict[str, Any]
Record = tuple[bytes, bytes]  # value, key

TENANT = "bench"
FIRST_NUMBER = 646_300_0000  # national numbers (+1) of the sending numbers
RECIPIENT = "+14155550199"
TEXT = "Your textbus code is 123456"  # one GSM-7 segment
SENDER = Sender(kind="user", id="u-1")  # each number's assignee
ACCOUNT_SID, AUTH_TOKEN = "AC" + "b" * 32, "bench-twilio-token"
PROFILE_ID = "bench-twilio"
# Pacing is not what is measured: a long code may send 10 segments a second (a number's 10
# messages are all due within a second) and the profile 100,000 (the API's maximum).
NUMBER_RATES = {"long-code": 10}
PROFILE_SEGMENTS_PER_SECOND = 100_000
FINAL = ("delivered", "undelivered", "failed", "expired", "refused", "submit-unknown")
REQUESTS, STATUS = "sms.outbound.requested.v1", "sms.outbound.status.v1"
WARM_UP = "warm-up"


@dataclass(frozen=True)
class Sizes:
    messages: int = 20_000
    numbers: int = 2_000
    stall_seconds: float = 120.0
    """How long without a message reaching its end before the measure gives up waiting."""


QUICK = Sizes(messages=2_000, numbers=200)


def sending_number(i: int) -> str:
    return f"+1{FIRST_NUMBER + i}"


def send_request(message_id: str, number: str) -> Record:
    """A send request as another system puts it on sms.outbound.requested.v1, keyed by the number."""
    request = SendMessage(
        message_id=message_id,
        from_number=number,
        to=[RECIPIENT],
        text=TEXT,
        sender=SENDER,
        requested_by="bench",
    )
    return _event(request, number)


def the_requests(sizes: Sizes) -> dict[str, Record]:
    """Each message id and its request: message i from number i mod numbers."""
    return {
        f"m-{i:06d}": send_request(f"m-{i:06d}", sending_number(i % sizes.numbers))
        for i in range(sizes.messages)
    }


def gateway_status(value: bytes) -> tuple[str, str]:
    """A MessageStatusChanged's message id and state."""
    data = json.loads(value)["data"]
    return data["message_id"], data["state"]


def pipeline_status(value: bytes) -> tuple[str, str]:
    status = json.loads(value)
    return status["message_id"], status["state"]


class StatusReader:
    """Reads a status topic from its start, in a consumer group of its own: how many status records
    of each state it read, and when each message's final status was read."""

    def __init__(self, bootstrap: str, topic: str, status_of: Callable[[bytes], tuple[str, str]]):
        self.bootstrap = bootstrap
        self.topic = topic
        self.status_of = status_of
        self.reached: Counter[str] = Counter()
        self.ended: dict[str, tuple[str, float]] = {}  # message id -> final state, read at (epoch s)
        self.last_read = time.monotonic()
        self.timeline: list[tuple[float, dict[str, int]]] = []  # (seconds waited, records by state)
        self.task: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[StatusReader]:
        self.task = asyncio.create_task(self.run())
        try:
            yield self
        finally:
            self.task.cancel()

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.bootstrap,
            group_id=f"{self.topic}.bench-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=200, max_records=5_000)
                now = time.time()
                for records in batch.values():
                    self.last_read = time.monotonic()
                    for record in records:
                        message_id, state = self.status_of(record.value or b"")
                        self.reached[state] += 1
                        if state in FINAL and message_id not in self.ended:
                            self.ended[message_id] = (state, now)
        finally:
            await consumer.stop()

    async def until_ended(self, ids: list[str], label: str, stall_seconds: float) -> str | None:
        """Until every message has ended; why it stopped waiting short of that (no status at all for
        ``stall_seconds``), if it did."""
        started = told = time.monotonic()
        while True:
            if self.task is not None and self.task.done():
                self.task.result()  # its failure, if it failed
                raise BenchmarkFailed(f"{self.topic}: the status reader stopped")
            done = sum(1 for i in ids if i in self.ended)
            now = time.monotonic()
            if done == len(ids):
                return None
            if now - max(started, self.last_read) > stall_seconds:
                return f"stalled: {done:,} of {len(ids):,} ended, no status at all for {stall_seconds:g} s"
            if now - told >= 15:
                told = now
                self.timeline.append((round(now - started, 1), dict(self.reached)))
                states = ", ".join(f"{n:,} {state}" for state, n in self.reached.items())
                progress(f"{label}: {done:,}/{len(ids):,} ended after {now - started:.0f} s; read {states}")
            await asyncio.sleep(0.2)


@dataclass
class Measured:
    """One pipeline's run over the requests."""

    label: str
    requested: int
    states: Counter[str]
    status_records: Counter[str]
    """Status records read, by state (every change of every message, for the gateway)."""
    timeline: list[tuple[float, dict[str, int]]]
    """Status records read by state, every 15 s of the wait: where the messages are."""
    elapsed_s: float
    throughput: float
    latencies_s: Latencies | None
    memory_before: dict[str, float]
    memory_after: dict[str, float]
    busy_cores: dict[str, float]
    cut_short: str | None

    def as_json(self) -> dict[str, Any]:
        latency = self.latencies_s
        return {
            "requested": self.requested,
            "final_states": dict(self.states),
            "status_records_read": dict(self.status_records),
            "status_records_read_every_15_s": self.timeline,
            "elapsed_s": self.elapsed_s,
            "delivered_per_s": self.throughput,
            "latency_ms": {"p50": 1000 * latency.p50, "p99": 1000 * latency.p99, "mean": 1000 * latency.mean}
            if latency
            else None,
            "memory_mib_before": self.memory_before,
            "memory_mib_after": self.memory_after,
            "busy_cores": self.busy_cores,
            "cut_short": self.cut_short,
        }


async def drive(
    label: str,
    bootstrap: str,
    topic: str,
    requests: dict[str, Record],
    reader: StatusReader,
    pid: int,
    cpu: ProcessCpu,
    stall_seconds: float,
) -> Measured:
    """Every request at once onto ``topic``, then wait until each has its final status."""
    progress(f"{label}: {len(requests):,} send requests onto {topic}, all in flight")
    memory_before, cpu_before = memory_mib(pid), cpu.snapshot()
    reader.reached.clear()  # the warm-up's
    reader.timeline.clear()
    started = time.perf_counter()
    async with producer_of(bootstrap) as producer:
        answers = await produce_all(producer, topic, list(requests.values()))
    if any(a.timestamp is None for a in answers):
        raise BenchmarkFailed(f"{topic}: the broker answered without timestamps")
    # CreateTime: the timestamp our producer gave the record when it was sent.
    produced_at = {i: (a.timestamp or 0) / 1000 for i, a in zip(requests, answers, strict=True)}
    progress(f"{label}: produced in {time.perf_counter() - started:.1f} s")
    ids = list(requests)
    try:
        cut_short = await reader.until_ended(ids, label, stall_seconds)
    except asyncio.CancelledError:
        # A signal ends the wait, not the run: what was delivered so far is reported, and the
        # baseline still runs (a second signal stops that too).
        task = asyncio.current_task()
        assert task is not None
        task.uncancel()
        cut_short = "stopped by a signal"
    wall = time.perf_counter() - started
    ended = {i: reader.ended[i] for i in ids if i in reader.ended}
    delivered = [i for i, (state, _) in ended.items() if state == "delivered"]
    first = min(produced_at.values())
    last = max((ended[i][1] for i in delivered), default=first)
    elapsed = last - first
    measured = Measured(
        label=label,
        requested=len(ids),
        states=Counter(state for state, _ in ended.values()),
        status_records=Counter(reader.reached),
        timeline=list(reader.timeline),
        elapsed_s=elapsed,
        throughput=len(delivered) / elapsed if delivered else 0.0,
        latencies_s=Latencies([ended[i][1] - produced_at[i] for i in delivered]) if delivered else None,
        memory_before=memory_before,
        memory_after=memory_mib(pid),
        busy_cores=cpu.cores(cpu_before, cpu.snapshot(), wall),
        cut_short=cut_short,
    )
    progress(
        f"{label}: {len(delivered):,} delivered in {elapsed:.1f} s, {measured.throughput:,.1f}/s"
        + (f" ({cut_short})" if cut_short else "")
    )
    return measured


@asynccontextmanager
async def launched(
    command: list[str], env: dict[str, str], log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A process of ours, its output in ``log``; stopped with SIGTERM (killed after 30 s)."""
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


def log_summary(log: Path, since: int, until: int | None = None) -> dict[str, Any]:
    """What the service logged between two offsets of its log: its lines by level, and the first
    errors and warnings. Lines that are not the kit's JSON (FastStream's own) are counted by the
    level they name."""
    levels: Counter[str] = Counter()
    first: list[str] = []
    with log.open("rb") as lines:
        lines.seek(since)
        for raw in lines.read(None if until is None else until - since).splitlines():
            line = raw.decode(errors="replace").rstrip()
            try:
                entry = json.loads(line)
                level, text = str(entry["level"]), f"{entry.get('logger')}: {entry.get('message')}"
            except (ValueError, KeyError, TypeError):
                named = [lv for lv in ("ERROR", "WARNING", "Traceback") if lv in line]
                level, text = (named[0].lower() if named else "other"), line
            levels[level] += 1
            if level in ("error", "critical", "warning", "traceback") and len(first) < 10:
                first.append(f"{level} {text}"[:300])
    return {"path": str(log), "lines_by_level": dict(levels), "first_problems": first}


@dataclass
class OutboundBench:
    infra: Infrastructure
    sizes: Sizes
    results: Results
    cpu: ProcessCpu
    logs: Path
    """Where the processes' logs go: ``<logs>-carrier-gateway.log``, ``<logs>-pipeline.log``."""
    run_id: str = field(default_factory=lambda: f"bench{uuid.uuid4().hex[:8]}")

    @property
    def bootstrap(self) -> str:
        return self.infra.endpoints.kafka_bootstrap

    def settings(self) -> ServiceSettings:
        """The gateway's settings as its process reads them from the environment below."""
        return ServiceSettings(
            service="carrier-gateway",
            http=HttpSettings(host="127.0.0.1", port=free_port()),
            kafka=KafkaSettings(bootstrap_servers=self.bootstrap, topic_prefix=f"{self.run_id}."),
            mongo=MongoSettings(url=self.infra.endpoints.mongo_url, database_prefix=f"{self.run_id}_"),
        )

    async def publish(self, topic: str, records: list[Record]) -> None:
        async with producer_of(self.bootstrap) as producer:
            await produce_all(producer, topic, records)

    async def gateway(self, requests: dict[str, Record], simulator: TwilioSimulator) -> Measured:
        settings = self.settings()
        url = f"http://127.0.0.1:{settings.http.port}"
        env = {
            **os.environ,
            "TEXTBUS_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "TEXTBUS_KAFKA_TOPIC_PREFIX": settings.kafka.topic_prefix,
            "TEXTBUS_MONGO_URL": settings.mongo.url,
            "TEXTBUS_MONGO_DATABASE_PREFIX": settings.mongo.database_prefix,
            "TEXTBUS_CARRIER_GATEWAY_PORT": str(settings.http.port),
            "TEXTBUS_CARRIER_GATEWAY_PUBLIC_URL": url,
            "TEXTBUS_CARRIER_GATEWAY_CREDENTIAL_KEYS": Fernet.generate_key().decode(),
        }
        log = Path(f"{self.logs}-carrier-gateway.log")
        progress(f"carrier gateway: python -m textbus.carrier_gateway on {url}, log {log}")
        mongo: AsyncMongoClient[Document] = AsyncMongoClient(settings.mongo.url)
        db = mongo[settings.database_name]
        reader = StatusReader(self.bootstrap, settings.topic_name(STATUS), gateway_status)
        try:
            async with (
                launched([sys.executable, "-m", "textbus.carrier_gateway"], env, log) as process,
                aiohttp.ClientSession() as http,
            ):
                await _ready(http, url, process)
                await self._platform(settings, db, http, url, simulator)
                async with reader.reading():
                    await self._warm_up(settings.topic_name(REQUESTS), reader, "carrier gateway")
                    requests_before, callbacks_before = simulator.requests, len(simulator.callbacks_sent)
                    logged_before = (await asyncio.to_thread(log.stat)).st_size
                    measured = await self._drive(
                        "carrier gateway", settings.topic_name(REQUESTS), requests, reader, process.pid
                    )
                    logged_after = (await asyncio.to_thread(log.stat)).st_size
            self.results.details["carrier gateway"] = {
                **measured.as_json(),
                "exit_code": process.returncode,
                "carrier_requests": simulator.requests - requests_before,
                "callbacks_posted": len(simulator.callbacks_sent) - callbacks_before,
                "log_while_measuring": log_summary(log, logged_before, logged_after),
                # SIGTERM, then at most 30 s before it is killed (exit code -9).
                "log_while_stopping": log_summary(log, logged_after),
            }
            return measured
        finally:
            await mongo.drop_database(settings.database_name)
            await mongo.close()

    async def _platform(
        self,
        settings: ServiceSettings,
        db: Any,
        http: aiohttp.ClientSession,
        url: str,
        simulator: TwilioSimulator,
    ) -> None:
        """What the other services would have told the gateway, and the tenant's carrier profile."""
        count = self.sizes.numbers
        progress(f"carrier gateway: the enterprise, a Twilio profile and {count:,} numbers assigned")
        enterprise = EnterpriseUpserted(
            enterprise_id=TENANT,
            name=TENANT,
            group_texting=False,
            secure_sms=False,
            connector_app="unified",
            manages_own_numbers=False,
        )
        await self.publish(settings.topic_name("assignments.events.v1"), [_event(enterprise, TENANT)])
        await _until("the enterprise known", lambda: db["enterprises"].count_documents({"_id": TENANT}), 1)
        token = mint(AuthSettings(), subject="bench", tenant=TENANT, role=Role.PROVIDER, ttl_seconds=86_400)
        body = {
            "profile_id": PROFILE_ID,
            "name": "Bench Twilio",
            "carrier": "twilio",
            "credentials": {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN},
            "api_url": simulator.url,
            "number_rates": NUMBER_RATES,
            "segments_per_second": PROFILE_SEGMENTS_PER_SECOND,
        }
        async with http.post(
            f"{url}/v1/tenants/{TENANT}/carrier-profiles",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        ) as answer:
            if answer.status != 201:
                raise BenchmarkFailed(f"creating the carrier profile: {answer.status} {await answer.text()}")
        now = datetime.now(UTC)
        assigned = [
            _event(
                NumberAssigned(
                    state=NumberState(
                        number=number,
                        sms_capable=True,
                        carrier_profile_id=PROFILE_ID,
                        assignee=Assignee(kind="user", id=SENDER.id or ""),
                        registration="registered",
                        lifecycle="active",
                        last_activity_at=None,
                        created_at=now,
                        updated_at=now,
                    )
                ),
                number,
            )
            for number in map(sending_number, range(count))
        ]
        await self.publish(settings.topic_name("numbers.events.v1"), assigned)
        await _until(f"{count:,} numbers known", lambda: db["numbers"].count_documents({}), count)

    async def _drive(
        self, label: str, topic: str, requests: dict[str, Record], reader: StatusReader, pid: int
    ) -> Measured:
        cpu = self.cpu.with_processes("bench (simulator, load, reader)", **{label: pid})
        return await drive(label, self.bootstrap, topic, requests, reader, pid, cpu, self.sizes.stall_seconds)

    async def _warm_up(self, topic: str, reader: StatusReader, label: str) -> None:
        """One message through, untimed: the consumer has joined and every connection is open."""
        await self.publish(topic, [send_request(WARM_UP, sending_number(0))])
        stopped = await reader.until_ended([WARM_UP], f"{label} warm-up", self.sizes.stall_seconds)
        state = reader.ended.get(WARM_UP, ("none", 0.0))[0]
        if stopped or state != "delivered":
            raise BenchmarkFailed(f"{label}: the warm-up message ended {state} ({stopped or 'see its log'})")

    async def pipeline(self, requests: dict[str, Record], simulator: TwilioSimulator) -> Measured:
        requests_topic = f"{self.run_id}.pipeline.requests"
        status_topic = f"{self.run_id}.pipeline.status"
        # Partitioned as the gateway's requests and status topics.
        await ensure_topics(self.bootstrap, [(requests_topic, 12), (status_topic, 3)], 1)
        database = f"{self.run_id}_pipeline"
        log = Path(f"{self.logs}-pipeline.log")
        command = [
            sys.executable,
            "-m",
            "bench.pipeline",
            self.bootstrap,
            self.infra.endpoints.mongo_url,
            database,
            requests_topic,
            status_topic,
            simulator.url,
            ACCOUNT_SID,
            AUTH_TOKEN,
        ]
        progress(f"bare pipeline: python -m bench.pipeline, log {log}")
        reader = StatusReader(self.bootstrap, status_topic, pipeline_status)
        mongo: AsyncMongoClient[Document] = AsyncMongoClient(self.infra.endpoints.mongo_url)
        try:
            async with launched(command, dict(os.environ), log) as process, reader.reading():
                await self._warm_up(requests_topic, reader, "bare pipeline")
                measured = await self._drive("bare pipeline", requests_topic, requests, reader, process.pid)
            self.results.details["bare pipeline"] = {
                **measured.as_json(),
                "exit_code": process.returncode,
                "log": str(log),
            }
            return measured
        finally:
            await mongo.drop_database(database)
            await mongo.close()

    def rows(self, gateway: Measured, bare: Measured) -> None:
        label = f"{self.sizes.messages:,} messages from {self.sizes.numbers:,} numbers"
        if gateway.cut_short:
            label += f" ({gateway.cut_short})"
        # (measure, unit, kind, the gateway's value, the bare pipeline's)
        measures: list[tuple[str, str, Kind, float, float]] = [
            (f"{label}: delivered, end to end", "msgs/s", "rate", gateway.throughput, bare.throughput)
        ]
        if gateway.latencies_s and bare.latencies_s:
            ours, theirs = gateway.latencies_s, bare.latencies_s
            measures += [
                (
                    "latency p50 (request produced -> delivered read)",
                    "ms",
                    "latency",
                    1000 * ours.p50,
                    1000 * theirs.p50,
                ),
                ("latency p99", "ms", "latency", 1000 * ours.p99, 1000 * theirs.p99),
            ]
        measures += [
            (
                "process memory (RSS) before",
                "MiB",
                "size",
                gateway.memory_before["VmRSS"],
                bare.memory_before["VmRSS"],
            ),
            (
                "process memory (RSS) after",
                "MiB",
                "size",
                gateway.memory_after["VmRSS"],
                bare.memory_after["VmRSS"],
            ),
            (
                "process memory, peak (VmHWM)",
                "MiB",
                "size",
                gateway.memory_after["VmHWM"],
                bare.memory_after["VmHWM"],
            ),
        ]
        baseline = "bare aiokafka + insert + aiohttp POST + produce"
        self.results.rows += [Row(m, a, u, k, baseline, b) for m, u, k, a, b in measures]


def _event(payload: Payload, subject: str) -> Record:
    """A record as another service publishes it: the envelope, keyed by its subject."""
    envelope = Envelope.wrap(payload, source="bench", subject=subject, tenant=TENANT)
    return envelope.to_json(), subject.encode()


async def _ready(http: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise BenchmarkFailed(f"the carrier gateway exited with {process.returncode} (see its log)")
        try:
            async with http.get(f"{url}/readyz") as answer:
                if answer.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.5)
    raise BenchmarkFailed("the carrier gateway was not ready after 90 s (see its log)")


async def _until(what: str, count: Callable[[], Any], expected: int, stall_seconds: float = 120) -> None:
    """Poll ``count`` until it reaches ``expected``; fails once it has not moved for ``stall_seconds``."""
    seen, changed, told = -1, time.monotonic(), time.monotonic()
    while (now := await count()) < expected:
        if now != seen:
            seen, changed = now, time.monotonic()
        if time.monotonic() - changed > stall_seconds:
            raise BenchmarkFailed(f"{what}: stuck at {now:,} of {expected:,}")
        if time.monotonic() - told > 15:
            told = time.monotonic()
            progress(f"{what}: {now:,} of {expected:,}")
        await asyncio.sleep(0.5)


async def run(infra: Infrastructure, sizes: Sizes, results: Results, cpu: ProcessCpu, logs: Path) -> None:
    bench = OutboundBench(infra, sizes, results, cpu, logs)
    requests = the_requests(sizes)
    simulator = TwilioSimulator(ACCOUNT_SID, AUTH_TOKEN)
    await simulator.start()
    try:
        gateway = await bench.gateway(requests, simulator)
        bare = await bench.pipeline(requests, simulator)
        bench.rows(gateway, bare)
        if "stopped by a signal" in (gateway.cut_short, bare.cut_short):
            results.stopped = "stopped by a signal"
    finally:
        await simulator.stop()
        if infra.origin == "given":
            await delete_topics(bench.bootstrap, bench.run_id)
