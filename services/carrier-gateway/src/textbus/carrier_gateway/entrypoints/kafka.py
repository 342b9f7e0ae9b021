"""Kafka handlers of the carrier gateway: thin, they hand each record to its use case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence

from aiokafka import TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.coordinator.assignors.range import RangePartitionAssignor

from textbus.carrier_gateway.service.callbacks import RECEIPTS
from textbus.carrier_gateway.service.sending import REQUESTS
from textbus.contracts import Envelope, topic
from textbus.contracts.assignments.v1 import EnterpriseUpserted, GroupDeleted, GroupUpserted
from textbus.contracts.directory.v1 import ProjectPublished
from textbus.contracts.numbers.v1 import NumberEvent
from textbus.contracts.outbound.v1 import CarrierReceiptRecorded, SendMessage
from textbus.kit.bus import MessageBus
from textbus.kit.kafka import BatchRecord, Messaging, PermanentFailure, Record

READ_MODEL_EVENTS = (NumberEvent, EnterpriseUpserted, GroupUpserted, GroupDeleted, ProjectPublished)
RECORDS_PER_FETCH_BYTES = 16 * 1024


class Ownership(ConsumerRebalanceListener):
    """Tells the desk which sending numbers are this process's: those of its partitions of the
    requests topic (the same partitions of the receipts topic come with them)."""

    def __init__(
        self,
        requests_topic: str,
        assigned: Callable[[Collection[int]], Awaitable[None]],
        revoked: Callable[[Collection[int]], None],
    ) -> None:
        self.requests_topic = requests_topic
        self.assigned = assigned
        self.revoked = revoked

    async def on_partitions_revoked(self, revoked: Collection[TopicPartition]) -> None:
        self.revoked([p.partition for p in revoked if p.topic == self.requests_topic])

    async def on_partitions_assigned(self, assigned: Collection[TopicPartition]) -> None:
        await self.assigned([p.partition for p in assigned if p.topic == self.requests_topic])


def register_handlers(
    messaging: Messaging,
    bus: MessageBus,
    take_request: Callable[[Envelope, int], Awaitable[object]],
    apply_receipt: Callable[[Envelope], Awaitable[None]],
    ownership: Ownership,
    batch_size: int,
) -> None:
    @messaging.subscribe(
        topic("numbers.events.v1"),
        topic("assignments.events.v1"),
        topic("directory.events.v1"),
        handles=READ_MODEL_EVENTS,
        # One assignor for every consumer of the service's group (Kafka refuses a mix).
        partition_assignment_strategy=(RangePartitionAssignor,),
    )
    async def on_other_services_event(envelope: Envelope) -> None:
        # The topics carry other types too; those are not this service's to handle.
        if isinstance(envelope.data, READ_MODEL_EVENTS):
            await bus.handle(envelope)

    @messaging.subscribe_batch(
        REQUESTS,
        RECEIPTS,
        handles=(SendMessage, CarrierReceiptRecorded),
        max_records=batch_size,
        # Partition i of both topics to one member: a number's requests and receipts, one process.
        partition_assignment_strategy=(RangePartitionAssignor,),
        listener=ownership,
        # Small fetches: the consumer hands out a partition's fetched records before the next
        # partition's, so a backlog of requests fetched a megabyte at a time would hold every
        # receipt behind it; a few dozen records per fetch takes the partitions in turn.
        max_partition_fetch_bytes=RECORDS_PER_FETCH_BYTES,
    )
    async def handle_outbound(records: Sequence[Record]) -> None:
        # A number's requests and receipts in order, different numbers at once.
        async def apply(item: BatchRecord) -> None:
            match item.envelope.data:
                case SendMessage():
                    await take_request(item.envelope, item.partition)
                case CarrierReceiptRecorded():
                    try:
                        await apply_receipt(item.envelope)
                    except LookupError as unknown:
                        raise PermanentFailure(str(unknown)) from None

        await messaging.apply_batch(records, apply)
