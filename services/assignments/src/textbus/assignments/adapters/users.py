"""Users in MongoDB, keyed by tenant and id, with their personal number requests and an outbox."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from textbus.assignments.adapters import messages
from textbus.assignments.adapters.documents import doc_id, fields, referred_requests
from textbus.assignments.adapters.revisions import Revisions
from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.number_requests import NumberRequest
from textbus.assignments.domain.users import User
from textbus.assignments.service.ports import PersonalRequests
from textbus.kit.mongo_search import any_of, contains

PROFILE = set(User.model_fields)
# The user document's version: profile and personal number requests alike (named for the requests,
# which had it first).
VERSION = "requests_version"


class MongoUsers:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], revisions: Revisions) -> None:
        self.collection = db["users"]
        self.revisions = revisions
        # Documents from before revisions may still hold envelopes: the kit relays them at start.
        revisions.outbox.watch(self.collection)

    async def get(self, tenant: str, user_id: str) -> User | None:
        return (await self.versioned(tenant, user_id))[0]

    async def versioned(self, tenant: str, user_id: str) -> tuple[User | None, int]:
        document = await self.collection.find_one(
            {"_id": doc_id(tenant, user_id)}, {"number_requests": 0, "_outbox": 0}
        )
        if document is None:
            return None, 0
        return _to_user(document), document.get(VERSION, 0)

    async def get_many(self, tenant: str, user_ids: Iterable[str]) -> dict[str, User]:
        ids = [doc_id(tenant, u) for u in set(user_ids)]
        if not ids:
            return {}
        return {
            d["user_id"]: _to_user(d)
            async for d in self.collection.find({"_id": {"$in": ids}}, {"number_requests": 0})
        }

    async def save(self, user: User, *, expected_version: int, correlation_id: str | None) -> None:
        await self.revisions.write(
            self.collection,
            doc_id(user.tenant, user.user_id),
            expected_version + 1,
            user.model_dump(),
            [messages.user_upserted(user, correlation_id)],
            version_field=VERSION,
        )

    async def requests_of(self, tenant: str, user_id: str) -> PersonalRequests:
        document = await self.collection.find_one(
            {"_id": doc_id(tenant, user_id)}, {"number_requests": 1, VERSION: 1}
        )
        document = document or {}
        return PersonalRequests(
            tenant=tenant,
            user_id=user_id,
            requests=tuple(NumberRequest.model_validate(r) for r in document.get("number_requests", [])),
            version=document.get(VERSION, 0),
        )

    async def save_requests(
        self, personal: PersonalRequests, commands: list[NumberRequest], *, expected_version: int
    ) -> None:
        assignee = Assignee(kind="user", id=personal.user_id)
        await self.revisions.write(
            self.collection,
            doc_id(personal.tenant, personal.user_id),
            expected_version + 1,
            {"number_requests": [r.model_dump() for r in personal.requests]},
            [messages.number_command(personal.tenant, assignee, c) for c in commands],
            version_field=VERSION,
        )

    async def list(self, tenant: str, *, skip: int, limit: int) -> tuple[list[User], int]:
        query = {"tenant": tenant}
        total = await self.collection.count_documents(query)
        cursor = self.collection.find(query).sort("user_id", 1).skip(skip).limit(limit)
        return [_to_user(d) async for d in cursor], total

    async def requested(self, keys: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        return await referred_requests(self.collection, "number_requests", keys, {})

    async def named(self, tenant: str, text: str) -> set[str]:
        """The tenant's users whose display name or sign-in name contains ``text`` (trimmed), in any
        case: each branch a search of its index's keys within the tenant."""
        needle = contains(text.strip())
        query = {"tenant": tenant, **any_of({"display_name": needle}, {"sign_in_name": needle})}
        return {d["user_id"] async for d in self.collection.find(query, {"user_id": 1})}


def _to_user(document: dict[str, Any]) -> User:
    return User.model_validate({k: v for k, v in fields(document).items() if k in PROFILE})
