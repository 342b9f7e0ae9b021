"""Kafka handlers of the assignments service: thin, they hand each record to the bus."""

from __future__ import annotations

from textbus.assignments.service.commands import SaveUser
from textbus.contracts import Envelope, topic
from textbus.contracts.assignments.v1 import EnterpriseUpserted, SmsAssignmentChanged, SyncTaskCompleted
from textbus.contracts.directory.v1 import DirectoryUserPublished
from textbus.contracts.numbers.v1 import NumberCommandRejected, NumberEvent
from textbus.kit.bus import MessageBus
from textbus.kit.kafka import Messaging

NUMBER_EVENTS = (NumberEvent, NumberCommandRejected)
ASSIGNMENTS_EVENTS = (SmsAssignmentChanged, SyncTaskCompleted, EnterpriseUpserted)


def register_handlers(messaging: Messaging, bus: MessageBus) -> None:
    # The topics carry other types too; those are not this service's to handle.
    @messaging.subscribe(topic("numbers.events.v1"), handles=NUMBER_EVENTS)
    async def on_number_event(envelope: Envelope) -> None:
        if isinstance(envelope.data, NUMBER_EVENTS):
            await bus.handle(envelope)

    @messaging.subscribe(topic("directory.events.v1"), handles=(DirectoryUserPublished,))
    async def on_directory_event(envelope: Envelope) -> None:
        match envelope.data:
            case DirectoryUserPublished() as published:
                await bus.handle(
                    SaveUser(
                        tenant=envelope.tenant,
                        user_id=published.user_id,
                        display_name=published.display_name,
                        sign_in_name=published.sign_in_name,
                        enabled=published.enabled,
                        correlation_id=envelope.correlation_id or str(envelope.id),
                        at=envelope.time,
                    )
                )

    @messaging.subscribe(topic("assignments.events.v1"), handles=ASSIGNMENTS_EVENTS)
    async def on_assignments_event(envelope: Envelope) -> None:
        if isinstance(envelope.data, ASSIGNMENTS_EVENTS):
            await bus.handle(envelope)
