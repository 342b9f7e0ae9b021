"""Where the benchmarks find Kafka and the database: given addresses, or local processes of their own."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from textbus.devinfra.processes import Endpoints, local_infrastructure


@dataclass(frozen=True)
class Infrastructure:
    endpoints: Endpoints
    origin: str
    """``given`` (TEXTBUS_TEST_* addresses: clean up after ourselves) or ``local`` (a throwaway dir)."""
    data_dir: Path | None = None
    """Where the local processes keep their data (their command lines name it)."""


@contextmanager
def infrastructure() -> Iterator[Infrastructure]:
    """TEXTBUS_TEST_KAFKA_BOOTSTRAP and TEXTBUS_TEST_MONGO_URL when both are set, as the tests do;
    else Kafka and FerretDB started here with their data in a temporary directory."""
    kafka, mongo = os.environ.get("TEXTBUS_TEST_KAFKA_BOOTSTRAP"), os.environ.get("TEXTBUS_TEST_MONGO_URL")
    if kafka and mongo:
        yield Infrastructure(Endpoints(kafka_bootstrap=kafka, mongo_url=mongo), origin="given")
        return
    with (
        tempfile.TemporaryDirectory(prefix="textbus-bench-") as data_dir,
        local_infrastructure(Path(data_dir)) as endpoints,
    ):
        yield Infrastructure(endpoints, origin="local", data_dir=Path(data_dir))
