"""Real infrastructure for the tests, found in this order:

1. addresses in TEXTBUS_TEST_KAFKA_BOOTSTRAP and TEXTBUS_TEST_MONGO_URL;
2. testcontainers (Apache Kafka, MongoDB) when a Docker engine answers;
3. the local processes of deploy/local (Kafka from its jars, FerretDB).

Every test gets its own topics (a topic prefix) and databases (a database prefix).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from textbus.devinfra.containers import containers, docker_answers
from textbus.devinfra.processes import Endpoints, local_infrastructure
from textbus.kit.settings import (
    HttpSettings,
    KafkaSettings,
    MongoSettings,
    ServiceSettings,
)


@pytest.fixture(scope="session")
def infrastructure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoints]:
    kafka, mongo = os.environ.get("TEXTBUS_TEST_KAFKA_BOOTSTRAP"), os.environ.get("TEXTBUS_TEST_MONGO_URL")
    if kafka and mongo:
        yield Endpoints(kafka_bootstrap=kafka, mongo_url=mongo)
        return
    with ExitStack() as stack:
        if docker_answers():
            yield containers(stack)
        else:
            data_dir: Path = tmp_path_factory.mktemp("infra")
            yield stack.enter_context(local_infrastructure(data_dir))


@pytest.fixture
def isolation() -> str:
    """A name unique to this test, used as its topic and database prefix."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def settings_for(infrastructure: Endpoints, isolation: str) -> Callable[[str], ServiceSettings]:
    """Settings for a service under test: this test's topics and databases, any free port."""

    def make(service: str) -> ServiceSettings:
        return ServiceSettings(
            service=service,
            http=HttpSettings(host="127.0.0.1", port=0),
            kafka=KafkaSettings(
                bootstrap_servers=infrastructure.kafka_bootstrap, topic_prefix=f"{isolation}."
            ),
            mongo=MongoSettings(url=infrastructure.mongo_url, database_prefix=f"{isolation}_"),
        )

    return make


@pytest.fixture
def service_env(infrastructure: Endpoints, isolation: str) -> dict[str, str]:
    """Environment for running a service as its own process in this test's isolation."""
    return {
        **os.environ,
        "TEXTBUS_KAFKA_BOOTSTRAP_SERVERS": infrastructure.kafka_bootstrap,
        "TEXTBUS_KAFKA_TOPIC_PREFIX": f"{isolation}.",
        "TEXTBUS_MONGO_URL": infrastructure.mongo_url,
        "TEXTBUS_MONGO_DATABASE_PREFIX": f"{isolation}_",
        # The carrier gateway keeps credentials encrypted and does not start without a key.
        "TEXTBUS_CARRIER_GATEWAY_CREDENTIAL_KEYS": Fernet.generate_key().decode(),
    }


@pytest.fixture
async def mongo(infrastructure: Endpoints) -> AsyncIterator[AsyncMongoClient[dict[str, object]]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(infrastructure.mongo_url, tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
async def scratch_db(
    mongo: AsyncMongoClient[dict[str, Any]], isolation: str
) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """A database of this test's own, dropped after it: for a test that writes documents the way a
    service stores them and queries them through the service's adapters."""
    db = mongo[f"{isolation}_scratch"]
    yield db
    await mongo.drop_database(db.name)
