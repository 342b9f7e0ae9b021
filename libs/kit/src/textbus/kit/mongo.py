"""PyMongo's async client, and the one way a consumer makes its effect idempotent.

FerretDB (our local stand-in) has no transactions, so an effect and the record
that it was applied cannot be written in two documents atomically. Instead the
effect's own document remembers the envelope ids applied to it, written in the
same single-document update as the effect. Each document has one writer (its
Kafka key's partition), so checking the ids and then writing has no race.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from textbus.kit.settings import MongoSettings

# How many envelope ids a document remembers; redeliveries come within a few records.
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
    remembered: list[str] | None = None,
) -> bool:
    """Apply ``update`` to the document (creating it if needed) unless this envelope already was.

    Returns whether the update was applied now. Reads and writes by ``_id``
    alone: FerretDB pushes only an ``_id`` equality down to SQLite and scans
    the whole collection for any other filter. Reading first and writing
    after is safe because each document has one writer (its key's partition).
    A caller that has just read the document passes its ``_applied`` as
    ``remembered`` to save the read.
    """
    applied = str(envelope_id)
    if remembered is None:
        document = await collection.find_one({"_id": document_id}, {"_applied": 1})
        remembered = (document or {}).get("_applied", [])
    if applied in remembered:
        return False
    kept = [*remembered[-(APPLIED_ENVELOPES_KEPT - 1) :], applied]
    await collection.update_one(
        {"_id": document_id}, {**update, "$set": {**update.get("$set", {}), "_applied": kept}}, upsert=True
    )
    return True
