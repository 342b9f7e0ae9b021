"""Kafka handlers of the assignments service: thin, they hand each record to its use case."""

from __future__ import annotations

from textbus.assignments.service import number_events, sync_tasks, users
from textbus.assignments.service.ports import Ports
from textbus.contracts import Envelope, topic
from textbus.contracts.assignments.v1 import EnterpriseUpserted, SmsAssignmentChanged, SyncTaskCompleted
from textbus.contracts.directory.v1 import DirectoryUserPublished
from textbus.contracts.numbers.v1 import NumberCommandRejected, NumberEvent
from textbus.kit.kafka import Messaging


def register_handlers(messaging: Messaging, ports: Ports) -> None:
    @messaging.subscribe(topic("numbers.events.v1"), handles=(NumberEvent, NumberCommandRejected))
    async def on_number_event(envelope: Envelope) -> None:
        await number_events.on_number_event(ports, envelope)

    @messaging.subscribe(topic("directory.events.v1"), handles=(DirectoryUserPublished,))
    async def on_directory_event(envelope: Envelope) -> None:
        match envelope.data:
            case DirectoryUserPublished() as published:
                await users.save_user(
                    ports,
                    tenant=envelope.tenant,
                    user_id=published.user_id,
                    display_name=published.display_name,
                    sign_in_name=published.sign_in_name,
                    enabled=published.enabled,
                    correlation_id=envelope.correlation_id or str(envelope.id),
                    at=envelope.time,
                )

    @messaging.subscribe(
        topic("assignments.events.v1"),
        handles=(SmsAssignmentChanged, SyncTaskCompleted, EnterpriseUpserted),
    )
    async def on_assignments_event(envelope: Envelope) -> None:
        await sync_tasks.on_assignments_event(ports, envelope)
