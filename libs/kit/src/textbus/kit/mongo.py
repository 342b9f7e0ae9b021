"""PyMongo's async client, and the one way a consumer makes its effect idempotent.

FerretDB (our local stand-in) has no transactions, so an effect and the record
that it was applied cannot be written in two documents atomically. Instead the
effect's own document remembers the envelope ids applied to it, and the update
that applies an effect is conditional on its id not being there: one atomic
single-document write. Each document has one writer (its Kafka key's partition).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from textbus.kit.settings import MongoSettings

# How many envelope ids a document remembers at least; redeliveries come within
# a few records. The list is trimmed back to this once it holds twice as many.
APPLIED_ENVELOPES_KEPT = 64


def create_client(settings: MongoSettings) -> AsyncMongoClient[dict[str, Any]]:
    return AsyncMongoClient(settings.url, tz_aware=True, serverSelectionTimeoutMS=5000, appname="textbus")


async def ping(client: AsyncMongoClient[dict[str, Any]]) -> bool:
    await client.admin.command("ping")
    return True


async def apply_once(
    collection: AsyncCollection[dict[str, Any]],
    document_id: Any,
    envelope_id: UUID,
    update: dict[str, Any],
) -> bool:
    """Apply ``update`` to the document (creating it if needed) unless this envelope already was.

    Returns whether the update was applied now.
    """
    applied = str(envelope_id)
    try:
        result = await collection.update_one(
            {"_id": document_id, "_applied": {"$ne": applied}},
            {**update, "$push": {**update.get("$push", {}), "_applied": applied}},
            upsert=True,
        )
    except DuplicateKeyError:
        # The document exists and already holds this envelope id: the upsert tried to insert.
        return False
    await _trim_applied(collection, document_id)
    return result.modified_count == 1 or result.upserted_id is not None


async def _trim_applied(collection: AsyncCollection[dict[str, Any]], document_id: Any) -> None:
    # FerretDB ignores $push's $slice, so trim in a second write; the document's
    # one writer (its key's partition) makes the read-then-write safe.
    overfull = await collection.find_one(
        {"_id": document_id, f"_applied.{2 * APPLIED_ENVELOPES_KEPT}": {"$exists": True}},
        {"_applied": 1},
    )
    if overfull is not None:
        await collection.update_one(
            {"_id": document_id}, {"$set": {"_applied": overfull["_applied"][-APPLIED_ENVELOPES_KEPT:]}}
        )
