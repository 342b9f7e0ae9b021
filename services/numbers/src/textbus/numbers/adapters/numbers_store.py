"""Number documents: ``_id`` is the E.164 number, so a number exists once platform-wide.

A change is one conditional single-document write: the new state, the command's
envelope id (``_applied``) and the event to publish (``_outbox``). Deleted
numbers stay as tombstones (``deleted: true``) so their outbox survives a crash.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from pymongo.asynchronous.database import AsyncDatabase

from textbus.contracts import Envelope, topic
from textbus.kit.mongo import apply_once
from textbus.kit.outbox import Outbox, with_outbox
from textbus.numbers.domain.numbers import Assignee, NumberRecord
from textbus.numbers.service.lifecycle import ActiveNumber
from textbus.numbers.service.ports import StoredNumber
from textbus.numbers.service.queries import assignee_key

EVENTS = topic("numbers.events.v1")


def to_document(record: NumberRecord) -> dict[str, Any]:
    return {
        "tenant": record.tenant,
        "sms_capable": record.sms_capable,
        "carrier_profile_id": record.carrier_profile_id,
        "assignee": {"kind": record.assignee.kind, "id": record.assignee.id} if record.assignee else None,
        # One comparable value for filters: embedded-document equality depends on key order.
        "assignee_key": assignee_key(record.assignee) if record.assignee else None,
        "registration": record.registration,
        "lifecycle": record.lifecycle,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "deleted": False,
    }


def from_document(document: dict[str, Any]) -> NumberRecord:
    assignee = document.get("assignee")
    return NumberRecord(
        number=document["_id"],
        tenant=document["tenant"],
        sms_capable=document["sms_capable"],
        carrier_profile_id=document.get("carrier_profile_id"),
        assignee=Assignee(kind=assignee["kind"], id=assignee["id"]) if assignee else None,
        registration=document["registration"],
        lifecycle=document["lifecycle"],
        created_at=document["created_at"],
        updated_at=document["updated_at"],
    )


class MongoNumbers:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], outbox: Outbox) -> None:
        self.collection = db["numbers"]
        self.activity = db["number_activity"]
        self.outbox = outbox
        outbox.watch(self.collection)

    async def load(self, number: str) -> StoredNumber | None:
        document = await self.collection.find_one({"_id": number}, {"_outbox": 0})
        if document is None:
            return None
        record = None if document.get("deleted") else from_document(document)
        return StoredNumber(record=record, applied=list(document.get("_applied", ())))

    async def get(self, number: str) -> NumberRecord | None:
        stored = await self.load(number)
        return stored.record if stored else None

    async def save(
        self,
        stored: StoredNumber | None,
        number: str,
        record: NumberRecord | None,
        command_id: UUID,
        event: Envelope,
    ) -> None:
        """Store the change (None deletes) with its event, then publish the event."""
        state = to_document(record) if record else {"deleted": True, "assignee": None, "assignee_key": None}
        update = with_outbox({"$set": state}, [(EVENTS, event)])
        remembered = stored.applied if stored else []
        if await apply_once(self.collection, number, command_id, update, remembered=remembered):
            await self.outbox.deliver(self.collection, number, [(EVENTS, event)])

    async def registered(self) -> AsyncIterator[tuple[str, str]]:
        """Every registered number that is not deleted, with its tenant (to give each a tier slot)."""
        cursor = self.collection.find({"registration": "registered", "deleted": False}, {"tenant": 1})
        async for document in cursor:
            yield document["_id"], document["tenant"]

    async def active(self) -> AsyncIterator[ActiveNumber]:
        """Every active number with its last activity (for the inactivity sweeper)."""
        cursor = self.collection.find(
            {"lifecycle": "active", "deleted": False}, {"tenant": 1, "created_at": 1}
        )
        async for document in cursor:
            activity = await self.activity.find_one({"_id": document["_id"]})
            yield ActiveNumber(
                number=document["_id"],
                tenant=document["tenant"],
                created_at=document["created_at"],
                last_activity_at=activity.get("last_activity_at") if activity else None,
            )

    async def deliver(self, number: str) -> None:
        await self.outbox.deliver(self.collection, number)
