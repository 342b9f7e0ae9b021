"""Enterprises in MongoDB, keyed by their id, with an outbox for EnterpriseUpserted."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from textbus.assignments.adapters import messages
from textbus.assignments.adapters.documents import fields, outbox_entries, versioned, with_events
from textbus.assignments.domain.enterprises import Enterprise
from textbus.assignments.service.ports import VersionConflict
from textbus.kit.kafka import Messaging
from textbus.kit.outbox import deliver, relay_pending


class MongoEnterprises:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], messaging: Messaging) -> None:
        self.collection = db["enterprises"]
        self.messaging = messaging

    async def get(self, enterprise_id: str) -> Enterprise | None:
        document = await self.collection.find_one({"_id": enterprise_id})
        return Enterprise.model_validate(fields(document)) if document else None

    async def exists(self, enterprise_id: str) -> bool:
        return await self.collection.find_one({"_id": enterprise_id}, {"_id": 1}) is not None

    async def create(self, enterprise: Enterprise, *, correlation_id: str | None) -> bool:
        document = {"_id": enterprise.enterprise_id, **enterprise.model_dump()}
        outbox = outbox_entries([messages.enterprise_upserted(enterprise, correlation_id)])
        try:
            await self.collection.insert_one({**document, "_outbox": outbox})
        except DuplicateKeyError:
            return False
        await deliver(self.collection, enterprise.enterprise_id, self.messaging)
        return True

    async def save(
        self, enterprise: Enterprise, *, expected_version: int, correlation_id: str | None
    ) -> None:
        update = with_events(
            {"$set": enterprise.model_dump()}, [messages.enterprise_upserted(enterprise, correlation_id)]
        )
        result = await self.collection.update_one(
            versioned(enterprise.enterprise_id, expected_version), update
        )
        if result.matched_count == 0:
            raise VersionConflict(enterprise.enterprise_id)
        await deliver(self.collection, enterprise.enterprise_id, self.messaging)

    async def list(self, *, skip: int, limit: int) -> tuple[list[Enterprise], int]:
        total = await self.collection.count_documents({})
        cursor = self.collection.find({}, {"_outbox": 0}).sort("_id", 1).skip(skip).limit(limit)
        return [Enterprise.model_validate(fields(d)) async for d in cursor], total

    async def relay_pending(self) -> None:
        await relay_pending(self.collection, self.messaging)
