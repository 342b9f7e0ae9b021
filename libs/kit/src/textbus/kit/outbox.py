"""Publishing an event about a document without losing it when the process dies.

The state change and the envelope to publish are written in one
single-document update (the document's ``_outbox``), then published, then
removed from the outbox. A crash between the write and the publish leaves the
envelope in the outbox, and ``relay_pending`` publishes it at the next start.
Consumers dedupe on the envelope id, so publishing twice is harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from textbus.contracts import Envelope, Topic
from textbus.kit.kafka import Messaging

log = logging.getLogger(__name__)


def outbox_entry(topic: Topic, envelope: Envelope) -> dict[str, Any]:
    """How ``envelope`` waits in a document's outbox (built the same way every time)."""
    return {"id": str(envelope.id), "topic": topic.name, "envelope": envelope.to_json().decode()}


def with_outbox(update: dict[str, Any], topic: Topic, envelope: Envelope) -> dict[str, Any]:
    """``update`` extended to also queue ``envelope`` for ``topic`` on the same document."""
    return {**update, "$push": {**update.get("$push", {}), "_outbox": outbox_entry(topic, envelope)}}


async def deliver_one(
    collection: AsyncCollection[dict[str, Any]],
    document_id: Any,
    messaging: Messaging,
    topic: Topic,
    envelope: Envelope,
) -> None:
    """Publish the envelope just queued on the document and take it out of the outbox.

    Saves reading the document back; anything older still queued there is a
    crash's leftover, which ``relay_pending`` publishes at start-up.
    """
    await messaging.publish(topic, envelope)
    await collection.update_one({"_id": document_id}, {"$pull": {"_outbox": outbox_entry(topic, envelope)}})


async def deliver(
    collection: AsyncCollection[dict[str, Any]], document_id: Any, messaging: Messaging
) -> None:
    """Publish the document's queued envelopes in order, removing each once Kafka has it."""
    document = await collection.find_one({"_id": document_id}, {"_outbox": 1})
    for entry in (document or {}).get("_outbox", []):
        envelope = Envelope.model_validate_json(entry["envelope"])
        await messaging.publish_to(entry["topic"], envelope)
        # The whole entry as read: FerretDB's $pull removes exact matches only, not by condition.
        await collection.update_one({"_id": document_id}, {"$pull": {"_outbox": entry}})


async def relay_pending(collection: AsyncCollection[dict[str, Any]], messaging: Messaging) -> int:
    """Publish what a previous run stored but did not get to publish; returns how many documents."""
    count = 0
    async for document in collection.find({"_outbox.0": {"$exists": True}}, {"_id": 1}):
        await deliver(collection, document["_id"], messaging)
        count += 1
    if count:
        log.info("relayed pending events", extra={"collection": collection.name, "documents": count})
    return count
