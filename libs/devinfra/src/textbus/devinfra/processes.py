"""Start, wait for and stop the local Kafka broker and FerretDB (deploy/local/*.sh).

Each runs in the foreground of its own process group, so a stop (SIGTERM)
reaches the JVM or the Go binary itself, and their logs go to files.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO


def repo_root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "deploy" / "local" / "kafka.sh").exists():
            return parent
    raise RuntimeError("cannot find the textbus checkout (deploy/local/kafka.sh)")


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalProcess:
    name: str
    script: Path
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def prepare(self) -> None:
        """Fetch or build what the process needs (slow the first time, cached after)."""
        step = "build" if self.name == "ferretdb" else "fetch"
        subprocess.run(
            ["bash", str(self.script), step],
            env=self._environ(),
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            ["bash", str(self.script), "run"],
            env=self._environ(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            ready = subprocess.run(
                ["bash", str(self.script), "ready"],
                env=self._environ(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.25)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f}s; see {self.log_path}")

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self._log:
            self._log.close()

    def _environ(self) -> dict[str, str]:
        return {**os.environ, **self.env}


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap: str
    mongo_url: str


@contextmanager
def local_infrastructure(
    data_dir: Path, *, kafka_port: int | None = None, mongo_port: int | None = None
) -> Iterator[Endpoints]:
    """Kafka and FerretDB on loopback with their data under ``data_dir``, until the block exits."""
    root = repo_root()
    kafka_port = kafka_port or free_port()
    mongo_port = mongo_port or free_port()
    kafka = LocalProcess(
        name="kafka",
        script=root / "deploy/local/kafka.sh",
        env={
            "KAFKA_PORT": str(kafka_port),
            "KAFKA_CONTROLLER_PORT": str(free_port()),
            "KAFKA_DATA_DIR": str(data_dir / "kafka"),
        },
        log_path=data_dir / "logs/kafka.log",
    )
    ferretdb = LocalProcess(
        name="ferretdb",
        script=root / "deploy/local/ferretdb.sh",
        env={"FERRETDB_PORT": str(mongo_port), "FERRETDB_DATA_DIR": str(data_dir / "ferretdb")},
        log_path=data_dir / "logs/ferretdb.log",
    )
    processes = (kafka, ferretdb)
    try:
        for p in processes:
            p.prepare()
        for p in processes:
            p.start()
        for p in processes:
            p.wait_ready(timeout=120)
        yield Endpoints(
            kafka_bootstrap=f"127.0.0.1:{kafka_port}",
            mongo_url=f"mongodb://127.0.0.1:{mongo_port}/",
        )
    finally:
        for p in reversed(processes):
            p.stop()
