"""The tier limit's registration slots: ``_id`` is ``<tenant>/<k>``, with the tenant, the number
holding it and when it was taken.

Taking a slot is an insert: of two inserts of one ``_id`` only one succeeds (DuplicateKeyError), on
FerretDB too, however many processes try at once. FerretDB's conditional updates and find-and-modify
are a read and a write without a lock, so none of them could be the check.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


class MongoRegistrationSlots:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db["registration_slots"]

    async def held(self, tenant: str) -> dict[str, str]:
        cursor = self.collection.find({"tenant": tenant}, {"number": 1})
        return {document["_id"]: document["number"] async for document in cursor}

    async def take(self, slot: str, tenant: str, number: str, at: datetime) -> bool:
        try:
            await self.collection.insert_one({"_id": slot, "tenant": tenant, "number": number, "at": at})
        except DuplicateKeyError:
            return False
        return True

    async def free(self, tenant: str, number: str) -> None:
        await self.collection.delete_many({"tenant": tenant, "number": number})

    async def holders(self) -> AsyncIterator[str]:
        async for document in self.collection.find({}, {"number": 1}):
            yield document["number"]
