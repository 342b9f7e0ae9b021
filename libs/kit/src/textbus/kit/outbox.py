"""Publishing what a write changed, without losing it when Kafka or the process fails.

A write queues its envelopes on the changed document (its ``_outbox``) in the
same single-document update as the change; the outbox then publishes them
and takes each out once Kafka has it. What Kafka does not take at once (it is
down, or slow) stays queued and the relay publishes it within seconds of
Kafka coming back, while the service runs; what a crash left queued is
published at the next start. Consumers dedupe on the envelope id, so an
envelope published twice is harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka.errors import KafkaError
from pymongo.asynchronous.collection import AsyncCollection

from textbus.contracts import Envelope, Topic
from textbus.kit.kafka import Messaging
from textbus.kit.mongo import Index

log = logging.getLogger(__name__)

Document = dict[str, Any]
Message = tuple[Topic, Envelope]
# Kafka unreachable or slow: the envelope stays queued for the relay.
_NOT_TAKEN = (KafkaError, ConnectionError, TimeoutError)


def outbox_entries(messages: Iterable[Message]) -> list[Document]:
    """How envelopes wait in a document's outbox (built the same way every time)."""
    return [{"id": str(e.id), "topic": t.name, "envelope": e.to_json().decode()} for t, e in messages]


def with_outbox(update: Document, messages: Iterable[Message]) -> Document:
    """``update`` extended to also queue ``messages``, in order, on the same document."""
    entries = outbox_entries(messages)
    if not entries:
        return update
    return {**update, "$push": {**update.get("$push", {}), "_outbox": {"$each": entries}}}


@dataclass
class Outbox:
    """A service's one outbox: delivers queued envelopes and relays what could not be delivered."""

    messaging: Messaging
    publish_timeout_seconds: float = 5.0
    relay_interval_seconds: float = 1.0
    _watched: dict[str, AsyncCollection[Document]] = field(default_factory=dict)
    _undelivered: dict[tuple[str, Any], AsyncCollection[Document]] = field(default_factory=dict)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    def watch(self, collection: AsyncCollection[Document]) -> None:
        """A collection whose documents queue envelopes, relayed at start (its service declares the
        ``_outbox.id`` index that serves ``PENDING``)."""
        self._watched[collection.name] = collection

    @property
    def undelivered(self) -> int:
        """How many documents still hold envelopes that Kafka did not take."""
        return len(self._undelivered)

    async def deliver(
        self,
        collection: AsyncCollection[Document],
        document_id: Any,
        queued: Sequence[Message] | None = None,
        *,
        sole_writer: bool = False,
    ) -> bool:
        """Publish the document's queued envelopes in order, taking each out once Kafka has it.

        ``queued``: the envelopes this write just queued, to publish without reading the document
        back. False when Kafka did not take them all: they stay queued and the relay publishes them.
        ``sole_writer``: nobody else queues on this document meanwhile (the caller holds it), so once
        every envelope is published the outbox is emptied in one write instead of one per envelope.
        """
        entries = outbox_entries(queued) if queued is not None else await _queued(collection, document_id)
        try:
            for entry in entries:
                envelope = Envelope.model_validate_json(entry["envelope"])
                await asyncio.wait_for(
                    self.messaging.publish_to(entry["topic"], envelope), self.publish_timeout_seconds
                )
                if not sole_writer:
                    # The whole entry: FerretDB's $pull removes exact matches only, not by condition.
                    await collection.update_one({"_id": document_id}, {"$pull": {"_outbox": entry}})
            if sole_writer and entries:
                await collection.update_one({"_id": document_id}, {"$set": {"_outbox": []}})
        except _NOT_TAKEN as error:
            log.warning(
                "Kafka did not take a queued event; the relay will publish it",
                extra={"collection": collection.name, "document": str(document_id), "error": repr(error)},
            )
            self._undelivered[(collection.name, document_id)] = collection
            self._wake.set()
            return False
        self._undelivered.pop((collection.name, document_id), None)
        return True

    async def start(self) -> None:
        """At start-up: publish what a previous run left queued."""
        for collection in self._watched.values():
            count = 0
            async for document in collection.find(PENDING, {"_id": 1}):
                await self.deliver(collection, document["_id"])
                count += 1
            if count:
                log.info("relayed pending events", extra={"collection": collection.name, "documents": count})

    async def relay_forever(self) -> None:
        """Until cancelled: every second, deliver again what Kafka did not take."""
        while True:
            await self._wake.wait()
            await asyncio.sleep(self.relay_interval_seconds)
            for (_, document_id), collection in list(self._undelivered.items()):
                if not await self.deliver(collection, document_id):
                    break  # Kafka is still away: wait before trying the others
            if not self._undelivered:
                self._wake.clear()


# Documents with a queued envelope; an index on _outbox.id serves it (a range, not an $exists).
PENDING: Document = {"_outbox.id": {"$gt": ""}}


def relay_index(collection: str) -> Index:
    """The index a watched collection needs for the relay's ``PENDING`` query."""
    return Index(collection, ("_outbox.id",), "the outbox relay: documents with queued envelopes")


async def _queued(collection: AsyncCollection[Document], document_id: Any) -> list[Document]:
    document = await collection.find_one({"_id": document_id}, {"_outbox": 1})
    return list((document or {}).get("_outbox", []))
