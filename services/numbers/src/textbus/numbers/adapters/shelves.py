"""The tenant's numbers packed on shelves: what searches, filters and exports read.

Searching the numbers collection itself means a collection scan on FerretDB,
which pushes down nothing but an `_id` equality (60 s for 100,000 numbers
here). A shelf document holds the records of many numbers, so a tenant's
whole inventory is a few hundred look-ups by `_id`.

Each shelf belongs to one partition of numbers.commands.v1 (its id names it),
so its only writer is that partition's consumer, which puts the records of a
batch's changed numbers on their shelves in one update per shelf, after the
batch is stored and before its outcomes are recorded: an answered command is
already on its shelf, and a crash in between redoes it on redelivery.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from aiokafka.partitioner import murmur2
from pymongo.asynchronous.database import AsyncDatabase

from textbus.contracts import topic
from textbus.contracts.common import Assignee
from textbus.numbers.adapters.numbers_store import from_document
from textbus.numbers.adapters.read_models import by_ids
from textbus.numbers.domain.numbers import NumberRecord

Document = dict[str, Any]

PARTITIONS = topic("numbers.commands.v1").partitions
# Shelves per tenant and partition: 100,000 numbers make 192 shelves of about 520 each.
SLOTS = 16


def command_partition(number: str) -> int:
    """The partition Kafka's default partitioner gives a command keyed by ``number``."""
    return (murmur2(number.encode()) & 0x7FFFFFFF) % PARTITIONS


def shelf_id(tenant: str, number: str) -> str:
    return f"{tenant}/{command_partition(number):02d}/{zlib.crc32(number.encode()) % SLOTS:02d}"


def pack(record: NumberRecord) -> str:
    """One number's record as a shelf keeps it: a short JSON array (FerretDB reads one string
    much faster than a document of fields)."""
    assignee = record.assignee
    return json.dumps(
        [
            record.sms_capable,
            record.carrier_profile_id,
            assignee.kind if assignee else None,
            assignee.id if assignee else None,
            record.registration,
            record.lifecycle,
            record.created_at.isoformat(),
            record.updated_at.isoformat(),
        ],
        separators=(",", ":"),
    )


def unpack(number: str, tenant: str, packed: str) -> NumberRecord:
    sms_capable, profile, kind, assignee_id, registration, lifecycle, created, updated = json.loads(packed)
    return NumberRecord(
        number=number,
        tenant=tenant,
        sms_capable=sms_capable,
        carrier_profile_id=profile,
        assignee=Assignee(kind=kind, id=assignee_id) if kind else None,
        registration=registration,
        lifecycle=lifecycle,
        created_at=datetime.fromisoformat(created),
        updated_at=datetime.fromisoformat(updated),
    )


class MongoShelves:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["number_shelves"]
        self.numbers = db["numbers"]

    async def refresh(self, numbers: Iterable[str]) -> None:
        """Put the numbers' stored state on their shelves (a deleted number comes off)."""
        await self.put((await by_ids(self.numbers, numbers)).values())

    async def put(self, documents: Iterable[Document]) -> None:
        """Put these number documents, as stored, on their shelves: one update per shelf."""
        changes: dict[str, Document] = defaultdict(lambda: {"$set": {}, "$unset": {}})
        for document in documents:
            number, tenant = document["_id"], document["tenant"]
            change = changes[shelf_id(tenant, number)]
            change["$set"]["tenant"] = tenant
            if document.get("deleted"):
                change["$unset"][f"rows.{number}"] = ""
            else:
                change["$set"][f"rows.{number}"] = pack(from_document(document))
        await asyncio.gather(
            *(
                self.collection.update_one(
                    {"_id": shelf}, {k: v for k, v in change.items() if v}, upsert=True
                )
                for shelf, change in changes.items()
            )
        )

    async def stock_if_empty(self, chunk: int = 1_000) -> None:
        """A database from before the shelves: put every number on its shelf, once, at start-up
        (before the commands consumer runs, so nothing else writes them meanwhile)."""
        if await self.collection.find_one({}, {"_id": 1}) is not None:
            return
        documents: list[Document] = []
        async for document in self.numbers.find({}, {"_outbox": 0, "_applied": 0}):
            documents.append(document)
            if len(documents) == chunk:
                await self.put(documents)
                documents = []
        await self.put(documents)

    async def records(self, tenant: str) -> list[NumberRecord]:
        """Every number of the tenant (not deleted), in no particular order."""
        shelves = await by_ids(
            self.collection, (f"{tenant}/{p:02d}/{s:02d}" for p in range(PARTITIONS) for s in range(SLOTS))
        )
        return [
            unpack(number, tenant, packed)
            for shelf in shelves.values()
            for number, packed in shelf.get("rows", {}).items()
        ]
