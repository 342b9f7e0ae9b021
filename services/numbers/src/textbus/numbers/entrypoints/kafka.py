"""Kafka handlers of the numbers service: thin, they hand each record to its use case."""

from __future__ import annotations

from faststream.kafka.annotations import KafkaMessage

from textbus.contracts import Envelope, topic
from textbus.contracts.numbers.v1 import NumberCommand
from textbus.kit.kafka import Messaging
from textbus.numbers.adapters.read_models import ReadModels
from textbus.numbers.service.commands import CommandHandler


def register_handlers(
    messaging: Messaging, read_models: ReadModels, commands: CommandHandler, command_workers: int
) -> None:
    @messaging.subscribe(topic("numbers.commands.v1"), max_workers=command_workers)
    async def handle_number_command(envelope: Envelope, message: KafkaMessage) -> None:
        if isinstance(envelope.data, NumberCommand):
            await commands.execute(envelope, partition=message.raw_message.partition)  # type: ignore[union-attr]

    @messaging.subscribe(
        topic("assignments.events.v1"),
        topic("carriers.events.v1"),
        topic("sms.activity.v1"),
        topic("domains.events.v1"),
    )
    async def on_other_services_event(envelope: Envelope) -> None:
        await read_models.apply(envelope)
