"""The topic registry: every topic, what its key is, who produces and who consumes it, and the
payload types (CloudEvents ``type``) it carries.

Names are ``<area>.<what>.v<major>``. Services create the topics they use at
start-up from this registry, so the registry is the single source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICES = ("numbers", "assignments", "carrier-gateway", "domain-subscriber", "inbound-router")


@dataclass(frozen=True)
class Topic:
    name: str
    key: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    description: str
    payloads: tuple[str, ...]
    partitions: int = 3

    def __post_init__(self) -> None:
        unknown = set(self.producers + self.consumers) - set(SERVICES) - {"external"}
        if unknown:
            raise ValueError(f"{self.name}: unknown services {sorted(unknown)}")


TOPICS: tuple[Topic, ...] = (
    Topic(
        name="numbers.commands.v1",
        key="E.164 phone number",
        producers=("numbers", "assignments"),
        consumers=("numbers",),
        description="Every mutation of a phone number, applied by its one owner in order.",
        payloads=(
            "textbus.numbers.AddNumber.v1",
            "textbus.numbers.UpdateNumber.v1",
            "textbus.numbers.DeleteNumber.v1",
            "textbus.numbers.AssignNumber.v1",
            "textbus.numbers.UnassignNumber.v1",
            "textbus.numbers.RegisterNumber.v1",
            "textbus.numbers.ReleaseNumber.v1",
        ),
        # Partitions bound how many numbers are changed at once (one consumer each).
        partitions=12,
    ),
    Topic(
        name="numbers.events.v1",
        key="E.164 phone number",
        producers=("numbers",),
        consumers=("assignments", "carrier-gateway", "inbound-router", "domain-subscriber"),
        description="What happened to a phone number, and command outcomes.",
        payloads=(
            "textbus.numbers.NumberAdded.v1",
            "textbus.numbers.NumberUpdated.v1",
            "textbus.numbers.NumberAssigned.v1",
            "textbus.numbers.NumberUnassigned.v1",
            "textbus.numbers.NumberDeleted.v1",
            "textbus.numbers.NumberReleased.v1",
            "textbus.numbers.NumberCommandRejected.v1",
        ),
    ),
    Topic(
        name="assignments.events.v1",
        key="user, group or enterprise id",
        producers=("assignments",),
        # assignments reads its own enterprise-keyed changes back to keep sync tasks in order.
        consumers=("numbers", "inbound-router", "assignments", "carrier-gateway"),
        description="Users, SMS groups, sync tasks and enterprise settings as they change.",
        payloads=(
            "textbus.assignments.EnterpriseUpserted.v1",
            "textbus.assignments.UserUpserted.v1",
            "textbus.assignments.GroupUpserted.v1",
            "textbus.assignments.GroupDeleted.v1",
            "textbus.assignments.SmsAssignmentChanged.v1",
            "textbus.assignments.SyncTaskUpserted.v1",
            "textbus.assignments.SyncTaskCompleted.v1",
        ),
    ),
    Topic(
        name="directory.events.v1",
        key="user or project id",
        producers=("external",),
        consumers=("assignments", "carrier-gateway"),
        description="Directory users and projects published by other systems.",
        payloads=("textbus.directory.DirectoryUserPublished.v1", "textbus.directory.ProjectPublished.v1"),
    ),
    Topic(
        name="carriers.events.v1",
        key="carrier profile id",
        producers=("carrier-gateway",),
        consumers=("numbers", "domain-subscriber"),
        description="Carrier profiles as they are created, changed and deleted (never credentials).",
        payloads=(
            "textbus.carriers.CarrierProfileUpserted.v1",
            "textbus.carriers.CarrierProfileDeleted.v1",
        ),
    ),
    Topic(
        name="sms.activity.v1",
        key="E.164 phone number",
        producers=("carrier-gateway", "inbound-router"),
        consumers=("numbers",),
        description="A message was sent from or received on a number (feeds last activity).",
        payloads=("textbus.activity.NumberActivity.v1",),
    ),
    Topic(
        name="domains.events.v1",
        key="E.164 phone number",
        producers=("domain-subscriber",),
        consumers=("numbers",),
        description="A number's domain subscription expired or was renewed.",
        payloads=(
            "textbus.domains.NumberDomainExpired.v1",
            "textbus.domains.NumberDomainRestored.v1",
        ),
    ),
    Topic(
        name="sms.outbound.requested.v1",
        key="E.164 sending number",
        producers=("external", "inbound-router", "carrier-gateway"),
        consumers=("carrier-gateway",),
        description="Texts to send: planned, paced and submitted by the sending number's one consumer.",
        payloads=("textbus.outbound.SendMessage.v1",),
        # Partitions bound how many numbers' queues are worked at once; receipts are co-partitioned.
        partitions=12,
    ),
    Topic(
        name="sms.outbound.receipts.v1",
        key="E.164 sending number",
        producers=("carrier-gateway",),
        consumers=("carrier-gateway",),
        description="Carriers' status callbacks, durable before the carrier is answered; internal to "
        "the gateway, partitioned like sms.outbound.requested.v1 so one consumer owns a number's both.",
        payloads=("textbus.outbound.CarrierReceiptRecorded.v1",),
        partitions=12,
    ),
    Topic(
        name="sms.inbound.callbacks.v1",
        key="E.164 receiving number",
        producers=("carrier-gateway",),
        consumers=("carrier-gateway",),
        description="Inbound texts as the carriers' webhooks delivered them, durable before the carrier "
        "is answered, duplicates and parts included; internal to the gateway.",
        payloads=("textbus.inbound.CarrierMessageRecorded.v1",),
        partitions=12,
    ),
    Topic(
        name="sms.inbound.received.v1",
        key="E.164 receiving number",
        producers=("carrier-gateway",),
        consumers=("inbound-router", "carrier-gateway"),
        description="Each text the tenants' numbers received, once, long texts joined.",
        payloads=("textbus.inbound.InboundMessageReceived.v1",),
        partitions=12,
    ),
    Topic(
        name="sms.outbound.status.v1",
        key="E.164 sending number",
        producers=("carrier-gateway",),
        consumers=("external", "inbound-router"),
        description="Every state change of every outbound message, forward only.",
        payloads=("textbus.outbound.MessageStatusChanged.v1",),
    ),
)

_BY_NAME = {t.name: t for t in TOPICS}


def topic(name: str) -> Topic:
    """The registered topic called ``name``; an unregistered name is a programming error."""
    return _BY_NAME[name]


def dead_letter_topic(service: str) -> str:
    """Where a service's consumer group puts records it cannot process, with the reason."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    return f"{service}.deadletter.v1"


def topics_of(service: str) -> tuple[Topic, ...]:
    """The topics ``service`` produces or consumes."""
    return tuple(t for t in TOPICS if service in t.producers + t.consumers)
