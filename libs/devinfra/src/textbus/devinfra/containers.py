"""Kafka and MongoDB as containers (testcontainers), for when a Docker engine answers: the tests run
on them, and the bench measures on MongoDB, the production database, next to FerretDB."""

from __future__ import annotations

import os
import socket
from contextlib import ExitStack

from textbus.devinfra.processes import Endpoints

KAFKA_IMAGE = "apache/kafka:4.4.0"
MONGODB_IMAGE = "mongo:7.0"


def docker_answers() -> bool:
    """Whether a Docker engine listens where testcontainers would look for it."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    scheme, _, address = host.partition("://")
    target: str | tuple[str, int]
    if scheme == "unix":
        family, target = socket.AF_UNIX, address
    elif scheme == "tcp":
        name, _, port = address.rpartition(":")
        family, target = socket.AF_INET, (name, int(port))
    else:
        return False
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.settimeout(2)
        try:
            probe.connect(target)
        except OSError:
            return False
    return True


def containers(stack: ExitStack) -> Endpoints:
    """Apache Kafka (KRaft) and MongoDB in containers, until ``stack`` closes."""
    # Imported here: testcontainers is a development dependency, needed only with a Docker engine.
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    kafka = stack.enter_context(KafkaContainer(KAFKA_IMAGE).with_kraft())
    mongo = stack.enter_context(MongoDbContainer(MONGODB_IMAGE))
    return Endpoints(kafka_bootstrap=kafka.get_bootstrap_server(), mongo_url=mongo.get_connection_url())
