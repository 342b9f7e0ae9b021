"""Outbound messages in MongoDB: one document per message, ``_id`` = tenant/message id (the
requester's id, so the insert is what makes the same id twice one message).

One writer per message at a time: the desk of the sending number's partition (see
service/desk.py), so a replace of the whole document loses nobody's change, on FerretDB too.
Each write queues its status events in the document's outbox, published under the same lock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import asdict
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from textbus.carrier_gateway.service.carriers import Media
from textbus.carrier_gateway.service.model import OutboundMessage, Part, Submitting, Transition
from textbus.carrier_gateway.service.ports import Event
from textbus.kit.outbox import Outbox, outbox_entries

Document = dict[str, Any]
MESSAGES = "outbound_messages"
UNFINISHED = ("accepted", "queued")


class MongoMessages:
    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox) -> None:
        self.collection = db[MESSAGES]
        self.outbox = outbox
        outbox.watch(self.collection)

    async def create(self, message: OutboundMessage, events: Sequence[Event]) -> bool:
        try:
            await self.collection.insert_one({**to_document(message), "_outbox": outbox_entries(events)})
        except DuplicateKeyError:
            return False
        await self.outbox.deliver(self.collection, message.key, events, sole_writer=True)
        return True

    async def get(self, key: str) -> OutboundMessage | None:
        document = await self.collection.find_one({"_id": key}, {"_outbox": 0})
        return from_document(document) if document else None

    async def save(self, message: OutboundMessage, events: Sequence[Event]) -> None:
        # What earlier writes left queued (Kafka was away) stays queued ahead of these events.
        document = await self.collection.find_one({"_id": message.key}, {"_outbox": 1})
        left = list((document or {}).get("_outbox", []))
        await self.collection.replace_one(
            {"_id": message.key},
            {**to_document(message), "_outbox": [*left, *outbox_entries(events)]},
            upsert=True,
        )
        if left or events:
            await self.outbox.deliver(
                self.collection, message.key, None if left else events, sole_writer=True
            )

    async def unfinished(self, partitions: Collection[int]) -> AsyncIterator[OutboundMessage]:
        query = {"partition": {"$in": sorted(partitions)}, "state": {"$in": list(UNFINISHED)}}
        async for document in self.collection.find(query, {"_outbox": 0}).sort("due_at", 1):
            yield from_document(document)

    async def by_carrier_id(self, profile_id: str, carrier_id: str) -> OutboundMessage | None:
        document = await self.collection.find_one(
            {"profile_id": profile_id, "carrier_ids": carrier_id}, {"_outbox": 0}
        )
        return from_document(document) if document else None


def to_document(message: OutboundMessage) -> Document:
    document = asdict(message)
    document["_id"] = message.key
    document["to"] = list(message.to)
    document["media"] = [asdict(m) for m in message.media]
    document["history"] = [asdict(h) for h in message.history]
    document["parts"] = [
        {"text": p.text, "carrier_ids": list(p.carrier_ids), "states": dict(p.states), "segments": p.segments}
        for p in message.parts
    ]
    # Flat, for the index that finds a message from a carrier's receipt.
    document["carrier_ids"] = list(message.carrier_ids)
    return document


def from_document(document: Document) -> OutboundMessage:
    fields = {k: v for k, v in document.items() if not k.startswith("_") and k != "carrier_ids"}
    submitting = fields.pop("submitting")
    return OutboundMessage(
        **{
            **fields,
            "to": tuple(fields["to"]),
            "media": tuple(Media(**m) for m in fields["media"]),
            "history": tuple(Transition(**h) for h in fields["history"]),
            "parts": tuple(
                Part(
                    text=p["text"],
                    carrier_ids=tuple(p["carrier_ids"]),
                    states=p["states"],
                    segments=p["segments"],
                )
                for p in fields["parts"]
            ),
            "submitting": Submitting(**submitting) if submitting else None,
        }
    )
