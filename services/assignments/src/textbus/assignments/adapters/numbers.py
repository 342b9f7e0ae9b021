"""This service's read model of numbers, and the numbers service's answers to its commands.

Only the consumer of numbers.events.v1 writes here, and a number's records
come in order on its partition: one writer per number document. A number's
document also holds, until published, the assignment change its last state
brought (``_change``) and the events queued for it (``_outbox``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import suppress
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from textbus.assignments.adapters import messages
from textbus.assignments.adapters.documents import fields
from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.number_requests import Outcome
from textbus.assignments.domain.numbers import AssignmentChange, NumberFact
from textbus.assignments.domain.sync_tasks import SmsAssignmentChange
from textbus.kit.mongo import apply_once
from textbus.kit.mongo_search import contains
from textbus.kit.outbox import Outbox, with_outbox

_FACT = list(NumberFact.model_fields)


class MongoNumberFacts:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], outbox: Outbox) -> None:
        self.collection = db["numbers"]
        self.outcome_collection = db["command_outcomes"]
        self.outbox = outbox
        outbox.watch(self.collection)

    async def get(self, number: str) -> NumberFact | None:
        document = await self.collection.find_one({"_id": number}, _FACT)
        return _to_fact(document) if document else None

    async def get_many(self, numbers: Iterable[str]) -> dict[str, NumberFact]:
        wanted = sorted(set(numbers))
        if not wanted:
            return {}
        cursor = self.collection.find({"_id": {"$in": wanted}}, _FACT)
        return {d["_id"]: _to_fact(d) async for d in cursor}

    async def held_by(self, tenant: str, assignee: Assignee) -> list[str]:
        cursor = self.collection.find(
            {"tenant": tenant, "assignee.kind": assignee.kind, "assignee.id": assignee.id}, {"_id": 1}
        )
        return sorted([d["_id"] async for d in cursor])

    async def held_by_groups(self, tenant: str, group_ids: Iterable[str]) -> dict[str, list[str]]:
        wanted = sorted(set(group_ids))
        if not wanted:
            return {}
        held: dict[str, list[str]] = {}
        query = {"tenant": tenant, "assignee.kind": "group", "assignee.id": {"$in": wanted}}
        async for d in self.collection.find(query, {"assignee": 1}):
            held.setdefault(d["assignee"]["id"], []).append(d["_id"])
        return {group: sorted(numbers) for group, numbers in held.items()}

    async def groups_holding(self, tenant: str, needle: str) -> set[str]:
        """The tenant's groups holding a number that contains ``needle``: matched on the keys of
        the (tenant, assignee.kind, _id) index, so only the matching numbers are read."""
        query = {"tenant": tenant, "assignee.kind": "group", "_id": contains(needle)}
        cursor = self.collection.find(query, {"assignee.id": 1}).sort("_id", 1)
        return {d["assignee"]["id"] async for d in cursor}

    async def outcomes(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Outcome]:
        ids = sorted({_outcome_id(number, correlation) for number, correlation in keys})
        if not ids:
            return {}
        found = {}
        async for d in self.outcome_collection.find({"_id": {"$in": ids}}):
            outcome = Outcome.model_validate(fields(d))
            found[(outcome.number, outcome.correlation_id)] = outcome
        return found

    async def record_state(
        self, fact: NumberFact, envelope_id: UUID, change: AssignmentChange | None
    ) -> bool:
        update: dict[str, Any] = {"$set": fact.model_dump()}
        if change is not None:
            update["$set"]["_change"] = change.model_dump()
        return await apply_once(self.collection, fact.number, envelope_id, update)

    async def record_outcome(self, outcome: Outcome, *, at: datetime) -> None:
        # An applied command stays applied: a later rejection of a redelivered copy changes nothing.
        with suppress(DuplicateKeyError):
            await self.outcome_collection.update_one(
                {"_id": _outcome_id(outcome.number, outcome.correlation_id), "applied": {"$ne": True}},
                {"$set": {**outcome.model_dump(), "recorded_at": at}},
                upsert=True,
            )

    async def outcomes_recorded_before(self, before: datetime) -> AsyncIterator[tuple[str, str]]:
        # Outcomes stored before their time was kept count as old: only unreferenced ones go anyway.
        query = {"$or": [{"recorded_at": {"$lt": before}}, {"recorded_at": {"$exists": False}}]}
        async for document in self.outcome_collection.find(query, {"number": 1, "correlation_id": 1}):
            yield document["number"], document["correlation_id"]

    async def forget_outcomes(self, keys: Iterable[tuple[str, str]]) -> None:
        ids = sorted({_outcome_id(number, correlation) for number, correlation in keys})
        if ids:
            await self.outcome_collection.delete_many({"_id": {"$in": ids}})

    async def settle_change(self, change: AssignmentChange, event: SmsAssignmentChange) -> None:
        await self.collection.update_one(
            {"_id": change.number, "_change.change_id": change.change_id},
            with_outbox({"$unset": {"_change": ""}}, [messages.sms_assignment_changed(change.tenant, event)]),
        )
        await self.outbox.deliver(self.collection, change.number)

    async def unsettled_change(self, number: str) -> AssignmentChange | None:
        document = await self.collection.find_one({"_id": number}, {"_change": 1})
        change = (document or {}).get("_change")
        return AssignmentChange.model_validate(change) if change else None

    async def unsettled_changes(self) -> list[AssignmentChange]:
        cursor = self.collection.find({"_change": {"$exists": True}}, {"_change": 1})
        return [AssignmentChange.model_validate(d["_change"]) async for d in cursor]


def _outcome_id(number: str, correlation_id: str) -> str:
    return f"{number}/{correlation_id}"


def _to_fact(document: dict[str, Any]) -> NumberFact:
    return NumberFact.model_validate({"number": document["_id"], **fields(document)})
