"""A service's AsyncAPI 3 document, generated from the topic registry and its subscriptions.

Every channel is a topic the service publishes or consumes (and its dead-letter
topic); every message is a payload type the registry lists for that topic, as
the CloudEvent that carries it, with the payload's real JSON Schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textbus.contracts import CLOUDEVENTS_JSON, Envelope, Topic, dead_letter_topic, payload_types, topics_of
from textbus.kit.kafka import Subscription

VERSION = "3.0.0"
DEAD_LETTER = "DeadLetter"


def asyncapi_document(service: str, title: str, subscriptions: Iterable[Subscription]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    models = payload_types()

    def schema_ref(model: Any) -> dict[str, str]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        if schemas.get(model.__name__, schema) != schema:
            raise ValueError(f"two payload models are called {model.__name__}")
        schemas[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    envelope = schema_ref(Envelope)

    def message(type_name: str) -> dict[str, str]:
        if type_name not in messages:
            model = models[type_name]
            messages[type_name] = {
                "name": type_name,
                "title": model.__name__,
                "summary": (model.__doc__ or model.__name__).strip().splitlines()[0],
                "contentType": CLOUDEVENTS_JSON,
                "payload": {
                    "allOf": [envelope],
                    "properties": {"type": {"const": type_name}, "data": schema_ref(model)},
                },
            }
        return {"$ref": f"#/components/messages/{type_name}"}

    def channel(topic: Topic) -> None:
        channels[topic.name] = {
            "address": topic.name,
            "description": f"{topic.description} Key: {topic.key}.",
            "messages": {t: message(t) for t in topic.payloads},
        }

    def operation(action: str, name: str, topic: Topic, types: Iterable[str]) -> None:
        operations[name] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{topic.name}"},
            "messages": [{"$ref": f"#/channels/{topic.name}/messages/{t}"} for t in types],
        }

    for topic in topics_of(service):
        channel(topic)
        if service in topic.producers:
            operation("send", f"send-{topic.name}", topic, topic.payloads)
    for subscription in subscriptions:
        for topic in subscription.topics:
            handled = [t for t in subscription.handles if t in topic.payloads]
            operation("receive", f"{subscription.name}-{topic.name}", topic, handled)

    dead_letters = dead_letter_topic(service)
    messages[DEAD_LETTER] = {
        "name": DEAD_LETTER,
        "summary": "A record this service could not apply, as it came, with why in its headers.",
        "headers": {
            "type": "object",
            "properties": {
                name: {"type": "string"}
                for name in (
                    "x-dead-letter-reason",
                    "x-dead-letter-error",
                    "x-dead-letter-attempts",
                    "x-original-topic",
                    "x-original-partition",
                    "x-original-offset",
                    "x-consumer-group",
                )
            },
        },
        "payload": {},
    }
    channels[dead_letters] = {
        "address": dead_letters,
        "description": "Records this service's consumers could not apply (malformed, refused, failing).",
        "messages": {DEAD_LETTER: {"$ref": f"#/components/messages/{DEAD_LETTER}"}},
    }
    operations[f"send-{dead_letters}"] = {
        "action": "send",
        "channel": {"$ref": f"#/channels/{dead_letters}"},
        "messages": [{"$ref": f"#/channels/{dead_letters}/messages/{DEAD_LETTER}"}],
    }
    return {
        "asyncapi": VERSION,
        "info": {
            "title": title,
            "version": "1.0.0",
            "description": "Records are CloudEvents in the Kafka binding's structured mode; the key is "
            "the event's subject. Topic names get the deployment's prefix (TEXTBUS_KAFKA_TOPIC_PREFIX).",
        },
        "defaultContentType": CLOUDEVENTS_JSON,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
