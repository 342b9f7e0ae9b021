"""``./dev run``: Kafka, FerretDB and every service on loopback until Ctrl-C.

Data persists under $TEXTBUS_CACHE/data/platform between runs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cryptography.fernet import Fernet

from textbus.contracts import SERVICES, TOPICS, dead_letter_topic
from textbus.devinfra.processes import local_infrastructure
from textbus.kit.kafka import ensure_topics

PORTS = {
    "numbers": 8081,
    "assignments": 8082,
    "carrier-gateway": 8083,
    "domain-subscriber": 8084,
    "inbound-router": 8085,
}


def _cache() -> Path:
    return Path(os.environ.get("TEXTBUS_CACHE", Path.home() / ".cache/textbus"))


def _local_credential_key(data_dir: Path) -> str:
    """The key that seals carrier credentials on this machine, made once and kept with the data
    (production sets TEXTBUS_CARRIER_GATEWAY_CREDENTIAL_KEYS from its secret store)."""
    path = data_dir / "carrier-credentials.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout:.0f}s")


def main() -> None:
    data_dir = _cache() / "data" / "platform"
    stop = False

    def request_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    kafka_port = int(os.environ.get("TEXTBUS_LOCAL_KAFKA_PORT", "19092"))
    mongo_port = int(os.environ.get("TEXTBUS_LOCAL_MONGO_PORT", "27018"))
    print("starting Kafka and FerretDB (the first start fetches and builds them)...", flush=True)
    with local_infrastructure(data_dir, kafka_port=kafka_port, mongo_port=mongo_port) as infra:
        asyncio.run(
            ensure_topics(
                infra.kafka_bootstrap,
                [(t.name, t.partitions) for t in TOPICS] + [(dead_letter_topic(s), 1) for s in SERVICES],
                replication_factor=1,
            )
        )
        env = {
            **os.environ,
            "TEXTBUS_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "TEXTBUS_MONGO_URL": infra.mongo_url,
            "TEXTBUS_CARRIER_GATEWAY_CREDENTIAL_KEYS": os.environ.get(
                "TEXTBUS_CARRIER_GATEWAY_CREDENTIAL_KEYS", _local_credential_key(data_dir)
            ),
        }
        services: dict[str, subprocess.Popen[bytes]] = {}
        logs = data_dir / "logs"
        try:
            for name, port in PORTS.items():
                module = "textbus." + name.replace("-", "_")
                log = (logs / f"{name}.log").open("ab")
                services[name] = subprocess.Popen(
                    [sys.executable, "-m", module],
                    env={**env, f"TEXTBUS_{name.upper().replace('-', '_')}_PORT": str(port)},
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            for name, port in PORTS.items():
                _wait_ready(f"http://127.0.0.1:{port}", services[name])
            print(f"\nKafka     {infra.kafka_bootstrap}\nDatabase  {infra.mongo_url}")
            for name, port in PORTS.items():
                print(f"{name:<18}http://127.0.0.1:{port}  (OpenAPI: /openapi.json)")
            print(f"\nlogs in {logs}; a token: .venv/bin/textbus-token --tenant acme --role provider")
            print("Ctrl-C stops everything.", flush=True)
            while not stop and all(p.poll() is None for p in services.values()):
                time.sleep(0.5)
            for name, p in services.items():
                if p.poll() is not None and not stop:
                    print(f"{name} exited with {p.returncode}; see {logs / (name + '.log')}", flush=True)
        finally:
            for p in services.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in services.values():
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
    print("stopped.", flush=True)


if __name__ == "__main__":
    main()
