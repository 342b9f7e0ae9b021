"""Where the benchmarks find Kafka and the database: given addresses, local processes of their own
(Kafka from its jars, FerretDB), or containers with MongoDB when a Docker engine answers."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient
from pymongo import MongoClient

from textbus.devinfra.containers import containers, docker_answers
from textbus.devinfra.processes import Endpoints, local_infrastructure


@dataclass(frozen=True)
class Infrastructure:
    endpoints: Endpoints
    origin: str
    """``given`` (TEXTBUS_TEST_* addresses: clean up after ourselves), ``local`` (a throwaway dir)
    or ``containers`` (testcontainers, gone with the run)."""
    data_dir: Path | None = None
    """Where the local processes keep their data (their command lines name it)."""

    @property
    def database(self) -> str:
        """Which database answers: FerretDB says so in its build info, MongoDB does not."""
        client: MongoClient[dict[str, object]] = MongoClient(self.endpoints.mongo_url)
        try:
            info = client.admin.command("buildInfo")
        finally:
            client.close()
        if any(key.startswith("ferretdb") for key in info):
            # FerretDB reports its own version beside the MongoDB version it speaks for.
            version = info.get("ferretdbVersion") or info.get("ferretdb", {}).get("version", "")
            return f"FerretDB {version} (SQLite), speaking for MongoDB {info.get('version')}"
        return f"MongoDB {info.get('version')}"


def origins() -> list[str]:
    """Where this run measures: the given addresses alone; else the local processes, and MongoDB in
    containers too when a Docker engine answers (the production database's figures)."""
    if os.environ.get("TEXTBUS_TEST_KAFKA_BOOTSTRAP") and os.environ.get("TEXTBUS_TEST_MONGO_URL"):
        return ["given"]
    return ["local", "containers"] if docker_answers() else ["local"]


@contextmanager
def infrastructure(origin: str) -> Iterator[Infrastructure]:
    if origin == "given":
        endpoints = Endpoints(
            kafka_bootstrap=os.environ["TEXTBUS_TEST_KAFKA_BOOTSTRAP"],
            mongo_url=os.environ["TEXTBUS_TEST_MONGO_URL"],
        )
        yield Infrastructure(endpoints, origin="given")
    elif origin == "containers":
        with ExitStack() as stack:
            yield Infrastructure(containers(stack), origin="containers")
    else:
        with (
            tempfile.TemporaryDirectory(prefix="textbus-bench-") as data_dir,
            local_infrastructure(Path(data_dir)) as endpoints,
        ):
            yield Infrastructure(endpoints, origin="local", data_dir=Path(data_dir))


async def delete_topics(bootstrap_servers: str, prefix: str) -> None:
    """Every topic named ``<prefix>.…``: what a run made on a Kafka it was given."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics() if t.startswith(f"{prefix}.")]
        if ours:
            await admin.delete_topics(ours)
    finally:
        await admin.close()
