"""Every message textbus puts on Kafka: the envelope, the payloads and the topics that carry them."""

# Imported for their side effect: declaring a payload registers its type, and a
# consumer can only decode the types that have been imported.
from textbus.contracts.activity import v1 as _activity_v1  # noqa: F401
from textbus.contracts.assignments import v1 as _assignments_v1  # noqa: F401
from textbus.contracts.carriers import v1 as _carriers_v1  # noqa: F401
from textbus.contracts.directory import v1 as _directory_v1  # noqa: F401
from textbus.contracts.domains import v1 as _domains_v1  # noqa: F401
from textbus.contracts.envelope import CLOUDEVENTS_JSON, Envelope, Payload, UnknownPayload, payload_types
from textbus.contracts.inbound import v1 as _inbound_v1  # noqa: F401
from textbus.contracts.numbers import v1 as _numbers_v1  # noqa: F401
from textbus.contracts.outbound import v1 as _outbound_v1  # noqa: F401
from textbus.contracts.topics import SERVICES, TOPICS, Topic, dead_letter_topic, topic, topics_of

__all__ = [
    "CLOUDEVENTS_JSON",
    "SERVICES",
    "TOPICS",
    "Envelope",
    "Payload",
    "Topic",
    "UnknownPayload",
    "dead_letter_topic",
    "payload_types",
    "topic",
    "topics_of",
]
