"""PyMongo's async client, and the one way a consumer makes its effect idempotent.

FerretDB (our local stand-in) has no transactions, so an effect and the record
that it was applied cannot be written in two documents atomically. Instead the
effect's own document remembers the envelope ids applied to it, written in the
same single-document update as the effect. Each document has one writer (its
Kafka key's partition), so checking the ids and then writing has no race.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from textbus.kit.settings import MongoSettings

# How many envelope ids a document remembers; redeliveries come within a few records.
APPLIED_ENVELOPES_KEPT = 64


def create_client(settings: MongoSettings) -> AsyncMongoClient[dict[str, Any]]:
    return AsyncMongoClient(settings.url, tz_aware=True, serverSelectionTimeoutMS=5000, appname="textbus")


async def ping(client: AsyncMongoClient[dict[str, Any]]) -> bool:
    await client.admin.command("ping")
    return True


@dataclass(frozen=True)
class Index:
    """A secondary index and the query it serves: an index that serves no query only slows writes.

    ``keys`` are ascending, in MongoDB's ESR order: equality fields, then sort, then range.
    FerretDB creates it but scans the collection anyway; MongoDB uses it.
    """

    collection: str
    keys: tuple[str, ...]
    serves: str
    # Only documents that have the field are indexed, so an ``$exists: true`` query reads just those.
    sparse: bool = False


async def create_indexes(db: AsyncDatabase[dict[str, Any]], indexes: Iterable[Index]) -> None:
    """Create the indexes a service declares (a no-op for those that already exist), and drop the
    ones a former release declared on the same collections: an index no query uses only slows
    writes. (During a rolling upgrade the older replicas' queries may then scan, never fail.)"""
    declared: dict[str, set[str]] = {}
    for index in indexes:
        name = await db[index.collection].create_index([(key, 1) for key in index.keys], sparse=index.sparse)
        declared.setdefault(index.collection, set()).add(name)
    for collection, names in declared.items():
        async for existing in await db[collection].list_indexes():
            if existing["name"] not in names and existing["name"] != "_id_":
                await db[collection].drop_index(existing["name"])


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
