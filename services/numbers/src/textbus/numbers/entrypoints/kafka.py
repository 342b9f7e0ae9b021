"""Kafka handlers of the numbers service: thin, they hand each record to its use case."""

from __future__ import annotations

from textbus.contracts import Envelope, topic
from textbus.kit.kafka import Messaging
from textbus.numbers.adapters.read_models import ReadModels


def register_handlers(messaging: Messaging, read_models: ReadModels) -> None:
    @messaging.subscribe(topic("assignments.events.v1"))
    async def on_assignments_event(envelope: Envelope) -> None:
        await read_models.apply(envelope)

    @messaging.subscribe(topic("carriers.events.v1"))
    async def on_carriers_event(envelope: Envelope) -> None:
        await read_models.apply(envelope)
