"""The tenant's numbers packed on shelves: what searches, filters and exports read.

Searching the numbers collection itself means a collection scan on FerretDB,
which pushes down nothing but an `_id` equality (40-45 s for 100,000 numbers
here). A shelf document holds the records of many numbers, a line each in one
string, so a tenant's whole inventory is a few hundred look-ups by `_id`.

Each shelf belongs to one partition of numbers.commands.v1 (its id names it),
so its only writer is that partition's consumer: after a batch is stored and
before its outcomes are recorded, it reads and rewrites each shelf the batch
changed, once. An answered command is already on its shelf, and a crash in
between is redone by the redelivered batch.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from aiokafka.partitioner import murmur2
from pymongo.asynchronous.database import AsyncDatabase

from textbus.contracts import topic
from textbus.kit.concurrency import all_settled
from textbus.numbers.adapters.numbers_store import from_document
from textbus.numbers.adapters.read_models import by_ids
from textbus.numbers.domain.numbers import Assignee, NumberRecord

Document = dict[str, Any]

PARTITIONS = topic("numbers.commands.v1").partitions
# Shelves per tenant and partition: 100,000 numbers make 192 shelves of about 520 rows each.
SLOTS = 16


def command_partition(number: str) -> int:
    """The partition Kafka's default partitioner gives a command keyed by ``number``."""
    return (int(murmur2(number.encode())) & 0x7FFFFFFF) % PARTITIONS


def shelf_id(tenant: str, number: str) -> str:
    return f"{tenant}/{command_partition(number):02d}/{zlib.crc32(number.encode()) % SLOTS:02d}"


def pack(record: NumberRecord) -> str:
    """One number's record as a shelf keeps it: the number, a tab, a short JSON array (one line)."""
    assignee = record.assignee
    fields = [
        record.sms_capable,
        record.carrier_profile_id,
        assignee.kind if assignee else None,
        assignee.id if assignee else None,
        record.registration,
        record.lifecycle,
        record.created_at.isoformat(),
        record.updated_at.isoformat(),
    ]
    return f"{record.number}\t{json.dumps(fields, separators=(',', ':'))}"


def unpack(tenant: str, row: str) -> NumberRecord:
    number, packed = row.split("\t", 1)
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

    async def refresh(self, changed: Iterable[tuple[str, str]]) -> None:
        """Put the changed numbers' stored state on their shelves. ``changed``: (number, tenant) as
        the commands named them, so that a number deleted (and maybe added again by another
        tenant) also comes off the shelf of the tenant who had it."""
        commanded = list(changed)
        documents = await by_ids(self.numbers, (number for number, _ in commanded))
        await self.put(documents.values(), gone=[(tenant, number) for number, tenant in commanded])

    async def put(self, documents: Iterable[Document], gone: Iterable[tuple[str, str]] = ()) -> None:
        """Put these number documents, as stored, on their shelves, and take the ``gone`` (tenant,
        number) pairs they do not keep off theirs; each shelf is read and written once (safe without
        a lock: the shelf's partition has one consumer)."""
        changes: dict[str, dict[str, str | None]] = defaultdict(dict)
        for tenant, number in gone:
            changes[shelf_id(tenant, number)][number] = None
        for document in documents:
            row = None if document.get("deleted") else pack(from_document(document))
            changes[shelf_id(document["tenant"], document["_id"])][document["_id"]] = row
        await all_settled(*(self._restock(shelf, rows) for shelf, rows in changes.items()))

    async def _restock(self, shelf: str, changes: dict[str, str | None]) -> None:
        current = await self.collection.find_one({"_id": shelf})
        rows = {row.split("\t", 1)[0]: row for row in _rows(current)}
        for number, row in changes.items():
            if row is None:
                rows.pop(number, None)
            else:
                rows[number] = row
        tenant = shelf.rsplit("/", 2)[0]
        await self.collection.update_one(
            {"_id": shelf},
            {"$set": {"tenant": tenant, "rows": "\n".join(rows[n] for n in sorted(rows))}},
            upsert=True,
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
        return [unpack(tenant, row) for shelf in shelves.values() for row in _rows(shelf)]


def _rows(shelf: Document | None) -> list[str]:
    """A shelf's rows, one a line: FerretDB decodes one long string far faster than an array of
    short ones (or a field per number), and a search decodes every shelf of the tenant."""
    rows = (shelf or {}).get("rows", "")
    return rows.split("\n") if rows else []
