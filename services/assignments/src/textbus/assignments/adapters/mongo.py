"""Users in MongoDB, keyed by tenant and id, with their events in an outbox on the same document."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from textbus.assignments.domain.users import User
from textbus.contracts import Envelope, topic
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.kit.kafka import Messaging
from textbus.kit.outbox import deliver, relay_pending, with_outbox

SOURCE = "assignments"
EVENTS = topic("assignments.events.v1")


def _user_id(tenant: str, user_id: str) -> str:
    return f"{tenant}/{user_id}"


class MongoUsers:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], messaging: Messaging) -> None:
        self.collection = db["users"]
        self.messaging = messaging

    async def get(self, tenant: str, user_id: str) -> User | None:
        document = await self.collection.find_one({"_id": _user_id(tenant, user_id)})
        return _to_user(document) if document else None

    async def save(self, user: User, *, correlation_id: str | None) -> None:
        event = Envelope.wrap(
            UserUpserted(
                user_id=user.user_id,
                display_name=user.display_name,
                sign_in_name=user.sign_in_name,
                enabled=user.enabled,
            ),
            source=SOURCE,
            subject=user.user_id,
            tenant=user.tenant,
            correlation_id=correlation_id,
        )
        document_id = _user_id(user.tenant, user.user_id)
        await self.collection.update_one(
            {"_id": document_id},
            with_outbox({"$set": user.model_dump()}, EVENTS, event),
            upsert=True,
        )
        await deliver(self.collection, document_id, self.messaging)

    async def list(self, tenant: str, *, skip: int, limit: int) -> tuple[list[User], int]:
        query = {"tenant": tenant}
        total = await self.collection.count_documents(query)
        cursor = self.collection.find(query).sort("user_id", 1).skip(skip).limit(limit)
        return [_to_user(d) async for d in cursor], total

    async def relay_pending(self) -> None:
        await relay_pending(self.collection, self.messaging)


def _to_user(document: dict[str, Any]) -> User:
    return User.model_validate({k: v for k, v in document.items() if not k.startswith("_")})
