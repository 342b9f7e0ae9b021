"""What a benchmark records: measures next to their baselines, latencies, and the operations seen.

``Operations`` counts what the service under test asks of the database (every
command, through pymongo's command monitoring) and of Kafka (publishes, and
the consumer's offset commits) while a measure runs, so a reader can see how
many round trips one number costs and how long each took inside the service.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aiokafka import AIOKafkaConsumer
from pymongo import monitoring

from textbus.kit.kafka import Messaging

# A rate: more is better; a latency or a size: less is.
Kind = Literal["rate", "latency", "size"]


@dataclass
class Row:
    """One line of the results table: a measure, and (optionally) the baseline it is compared with."""

    measure: str
    value: float
    unit: str
    kind: Kind
    baseline: str | None = None
    baseline_value: float | None = None

    @property
    def slower(self) -> float | None:
        """How many times longer the measure takes than its baseline (rates and latencies alike), or
        how many times larger it is (sizes)."""
        if self.baseline_value is None or not self.value or not self.baseline_value:
            return None
        if self.kind == "rate":
            return self.baseline_value / self.value
        return self.value / self.baseline_value

    def as_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "value": self.value,
            "unit": self.unit,
            "baseline": self.baseline,
            "baseline_value": self.baseline_value,
            "times_slower_than_baseline": self.slower,
        }


@dataclass(frozen=True)
class Latencies:
    seconds: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        if len(self.seconds) < 2:
            return self.seconds[0]
        return statistics.quantiles(self.seconds, n=20, method="inclusive")[18]

    @property
    def p99(self) -> float:
        if len(self.seconds) < 2:
            return self.seconds[0]
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[98]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.seconds)


async def timed(action: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


async def latencies(action: Callable[[], Awaitable[Any]], repeat: int) -> Latencies:
    return Latencies([await timed(action) for _ in range(repeat)])


@dataclass
class Tally:
    count: int = 0
    seconds: float = 0.0

    def add(self, seconds: float) -> None:
        self.count += 1
        self.seconds += seconds


@dataclass
class Operations(monitoring.CommandListener):
    """Database commands on one database, Kafka publishes and consumer commits, while recording."""

    database: str
    tallies: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    _recording: bool = False
    _commits_watched: bool = False
    _started: dict[tuple[Any, int], str] = field(default_factory=dict)

    @contextmanager
    def recording(self) -> Iterator[dict[str, Tally]]:
        """Count from a clean slate until the block exits; yields the tallies (filled on exit too)."""
        self.tallies.clear()
        self._started.clear()
        self._recording = True
        try:
            yield self.tallies
        finally:
            self._recording = False

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Not counting, inside a recording: for the benchmark's own queries between the service's."""
        recording, self._recording = self._recording, False
        try:
            yield
        finally:
            self._recording = recording

    # pymongo's CommandListener interface
    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self._recording and event.database_name == self.database:
            self._started[(event.connection_id, event.request_id)] = _shape(event.command_name, event.command)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._finished(event.connection_id, event.request_id, event.duration_micros)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._finished(event.connection_id, event.request_id, event.duration_micros)

    def _finished(self, connection: Any, request: int, micros: int) -> None:
        name = self._started.pop((connection, request), None)
        if name is not None:
            self.tallies[name].add(micros / 1e6)

    def watch_kafka(self, messaging: Messaging) -> None:
        """Time the service's publishes (its one way to produce) and every consumer offset commit."""
        publish_to = messaging.publish_to

        async def timed_publish(topic_name: str, envelope: Any) -> None:
            start = time.perf_counter()
            await publish_to(topic_name, envelope)
            if self._recording:
                self.tallies[f"kafka publish {topic_name}"].add(time.perf_counter() - start)

        messaging.publish_to = timed_publish  # type: ignore[method-assign]
        if self._commits_watched:
            return
        self._commits_watched = True
        commit = AIOKafkaConsumer.commit
        operations = self

        async def timed_commit(consumer: AIOKafkaConsumer, *args: Any, **kwargs: Any) -> None:
            start = time.perf_counter()
            await commit(consumer, *args, **kwargs)  # type: ignore[no-untyped-call]
            if operations._recording:
                operations.tallies["kafka commit"].add(time.perf_counter() - start)

        AIOKafkaConsumer.commit = timed_commit  # type: ignore[method-assign,assignment]


def _shape(name: str, command: Any) -> str:
    """``db <command> <collection> {<filter's top-level keys>}``: the filter's shape decides how a
    database can find the documents (FerretDB pushes down only a filter that is exactly ``_id``)."""
    collection = command.get(name)
    shape = f"db {name} {collection}" if isinstance(collection, str) else f"db {name}"
    query: Any = None
    upsert = False
    if name == "find":
        query = command.get("filter")
    elif name in ("update", "delete") and command.get(f"{name}s"):
        statement = command[f"{name}s"][0]
        query = statement.get("q")
        upsert = bool(statement.get("upsert"))
    elif name == "aggregate" and command.get("pipeline"):
        query = command["pipeline"][0].get("$match")
    if isinstance(query, dict):
        shape += " {" + ",".join(query) + "}"
    return shape + (" upsert" if upsert else "")


@dataclass(frozen=True)
class ProcessCpu:
    """CPU seconds used so far by this process (the service and the benchmark) and by the local Kafka
    and FerretDB, read from /proc: which process is busy while a measure runs. Linux only; processes
    not found (given infrastructure elsewhere) are left out."""

    pids: dict[str, int]
    this_process: str = "Python (service + benchmark)"

    @classmethod
    def of_infrastructure(cls, data_dir: Path | None) -> ProcessCpu:
        pids: dict[str, int] = {}
        if data_dir is None or not Path("/proc").is_dir():
            return cls(pids)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if str(data_dir) not in command or command.startswith("bash "):
                continue
            if "ferretdb" in command:
                pids["FerretDB"] = int(entry.name)
            elif "kafka.Kafka" in command:
                pids["Kafka"] = int(entry.name)
        return cls(pids)

    def with_processes(self, this_process: str, **pids: int) -> ProcessCpu:
        """The same, naming this process ``this_process`` and watching more processes of ours."""
        return ProcessCpu({**self.pids, **pids}, this_process)

    def snapshot(self) -> dict[str, float]:
        seconds = {self.this_process: time.process_time()}
        ticks = os.sysconf("SC_CLK_TCK")
        for name, pid in self.pids.items():
            try:
                # Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            seconds[name] = (int(fields[11]) + int(fields[12])) / ticks
        return seconds

    @staticmethod
    def cores(before: dict[str, float], after: dict[str, float], wall: float) -> dict[str, float]:
        """Cores busy on average between two snapshots."""
        return {name: (after[name] - before[name]) / wall for name in after if name in before}


def memory_mib(pid: int) -> dict[str, float]:
    """A process's resident memory now (VmRSS) and at its peak so far (VmHWM), in MiB, from
    /proc/<pid>/status (Linux only)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {name: int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM")}


def per_item(tallies: dict[str, Tally], items: int) -> list[dict[str, Any]]:
    """Each operation seen: how many per item (number, row, request) and its mean time in ms."""
    return [
        {
            "operation": name,
            "count": t.count,
            "per_item": t.count / items,
            "mean_ms": 1000 * t.seconds / t.count,
            "total_s": t.seconds,
        }
        for name, t in sorted(tallies.items(), key=lambda kv: -kv[1].seconds)
        if t.count
    ]


def progress(message: str) -> None:
    """A line on stderr while a long run goes on (the table comes at the end, on stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def quiet_logs() -> None:
    """Warnings and errors only, and from FastStream and aiokafka errors only: they report every
    consumer assignment and rebalance. FastStream sets its loggers' levels itself when a broker starts,
    so a filter (which it keeps) does the job there."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("faststream", "faststream.access", "faststream.access.kafka"):
        logger = logging.getLogger(name)
        if _errors_only not in logger.filters:
            logger.addFilter(_errors_only)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("aiokafka"):
            logging.getLogger(name).setLevel(logging.ERROR)


def _errors_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR
