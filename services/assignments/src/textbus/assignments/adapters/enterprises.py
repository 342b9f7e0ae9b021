"""Enterprises in MongoDB, keyed by their id, with an outbox for EnterpriseUpserted."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from textbus.assignments.adapters import messages
from textbus.assignments.adapters.documents import fields
from textbus.assignments.adapters.revisions import Revisions
from textbus.assignments.domain.enterprises import Enterprise
from textbus.assignments.service.ports import VersionConflict


class MongoEnterprises:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], revisions: Revisions) -> None:
        self.collection = db["enterprises"]
        self.revisions = revisions
        # Documents from before revisions may still hold envelopes: the kit relays them at start.
        revisions.outbox.watch(self.collection)

    async def get(self, enterprise_id: str) -> Enterprise | None:
        document = await self.collection.find_one({"_id": enterprise_id})
        return Enterprise.model_validate(fields(document)) if document else None

    async def exists(self, enterprise_id: str) -> bool:
        return await self.collection.find_one({"_id": enterprise_id}, {"_id": 1}) is not None

    async def create(self, enterprise: Enterprise, *, correlation_id: str | None) -> bool:
        # Its first revision's insert is the check (an enterprise from before revisions has none).
        if await self.exists(enterprise.enterprise_id):
            return False
        try:
            await self.save(enterprise, expected_version=0, correlation_id=correlation_id)
        except VersionConflict:
            return False
        return True

    async def save(
        self, enterprise: Enterprise, *, expected_version: int, correlation_id: str | None
    ) -> None:
        await self.revisions.write(
            self.collection,
            enterprise.enterprise_id,
            expected_version + 1,
            enterprise.model_dump(),
            [messages.enterprise_upserted(enterprise, correlation_id)],
        )

    async def list(self, *, skip: int, limit: int) -> tuple[list[Enterprise], int]:
        total = await self.collection.count_documents({})
        cursor = self.collection.find({}, {"_outbox": 0}).sort("_id", 1).skip(skip).limit(limit)
        return [Enterprise.model_validate(fields(d)) async for d in cursor], total
