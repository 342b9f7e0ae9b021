"""Kafka handlers of the numbers service: thin, they hand each record to the bus."""

from __future__ import annotations

from collections.abc import Sequence

from textbus.contracts import Envelope, topic
from textbus.contracts.activity.v1 import NumberActivity
from textbus.contracts.assignments.v1 import EnterpriseUpserted, GroupDeleted, GroupUpserted, UserUpserted
from textbus.contracts.carriers.v1 import CarrierProfileDeleted, CarrierProfileUpserted
from textbus.contracts.domains.v1 import NumberDomainExpired, NumberDomainRestored
from textbus.contracts.numbers.v1 import NumberCommand
from textbus.kit.bus import MessageBus
from textbus.kit.kafka import BatchRecord, Messaging, Record
from textbus.numbers.service.commands import SettleBatch
from textbus.numbers.service.ports import Decided, Position

# What the read models learn from other services.
READ_MODEL_EVENTS = (
    UserUpserted,
    GroupUpserted,
    GroupDeleted,
    EnterpriseUpserted,
    CarrierProfileUpserted,
    CarrierProfileDeleted,
    NumberActivity,
    NumberDomainExpired,
    NumberDomainRestored,
)


def register_handlers(messaging: Messaging, bus: MessageBus, command_batch_size: int) -> None:
    @messaging.subscribe_batch(
        topic("numbers.commands.v1"), handles=(NumberCommand,), max_records=command_batch_size
    )
    async def handle_number_commands(records: Sequence[Record]) -> None:
        async def execute(item: BatchRecord) -> tuple[Decided, Position] | None:
            if not isinstance(item.envelope.data, NumberCommand):
                return None
            decided: Decided = await bus.handle(item.envelope)
            return decided, Position(item.partition, item.offset)

        applied = await messaging.apply_batch(records, execute)
        await bus.handle(SettleBatch(tuple(decided for _, decided in applied if decided is not None)))

    @messaging.subscribe(
        topic("assignments.events.v1"),
        topic("carriers.events.v1"),
        topic("sms.activity.v1"),
        topic("domains.events.v1"),
        handles=READ_MODEL_EVENTS,
    )
    async def on_other_services_event(envelope: Envelope) -> None:
        # The topics carry other types too; those are not this service's to handle.
        if isinstance(envelope.data, READ_MODEL_EVENTS):
            await bus.handle(envelope)
