"""Command outcomes, keyed by the command's envelope id, and job progress per partition.

A rejection's event is queued on its outcome document (there may be no number
document to carry it). Job progress is counted in one document per job and
partition: each has one writer, the partition's consumer, and remembers the
last offset it counted, so the counts are exact without transactions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from textbus.contracts import Envelope, topic
from textbus.kit.concurrency import all_settled
from textbus.kit.outbox import PENDING, Outbox, outbox_entries
from textbus.numbers.service.ports import Outcome, Position

EVENTS = topic("numbers.events.v1")
COMMAND_PARTITIONS = topic("numbers.commands.v1").partitions

Document = dict[str, Any]


class MongoOutcomes:
    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox) -> None:
        self.collection = db["outcomes"]
        self.progress = db["job_progress"]
        self.outbox = outbox
        outbox.watch(self.collection)

    async def get(self, command_id: UUID) -> Outcome | None:
        document = await self.collection.find_one({"_id": str(command_id)}, {"_outbox": 0, "_applied": 0})
        return _to_outcome(document) if document else None

    async def record(self, outcome: Outcome, event: Envelope | None) -> None:
        fields: Document = {
            "number": outcome.number,
            "tenant": outcome.tenant,
            "command_type": outcome.command_type,
            "status": outcome.status,
            "code": outcome.code,
            "detail": outcome.detail,
            "job_id": outcome.job_id,
            "at": outcome.at,
        }
        document_id = str(outcome.command_id)
        if event is not None:
            fields["_outbox"] = outbox_entries([(EVENTS, event)])
        try:
            await self.collection.insert_one({"_id": document_id, **fields})
        except DuplicateKeyError:
            pass  # recorded before a crash; the outbox publishes a leftover event at start
        else:
            if event is not None:
                await self.outbox.deliver(self.collection, document_id, [(EVENTS, event)])

    async def count_jobs(self, counted: Sequence[tuple[Outcome, Position]]) -> None:
        """One update per job and partition: a partition's commands arrive in offset order, so its
        document remembers the last offset counted, and a redelivered command (at or below it) is
        not counted twice."""
        by_document: dict[str, list[tuple[Outcome, Position]]] = defaultdict(list)
        for outcome, position in counted:
            if outcome.job_id is not None:
                by_document[f"{outcome.job_id}/{position.partition}"].append((outcome, position))
        await all_settled(*(self._count(key, items) for key, items in by_document.items()))

    async def _count(self, document_id: str, items: list[tuple[Outcome, Position]]) -> None:
        document = await self.progress.find_one({"_id": document_id}, {"through": 1})
        through = document.get("through", -1) if document else -1
        new = [outcome for outcome, position in items if position.offset > through]
        if not new:
            return
        failed = sum(1 for outcome in new if outcome.status == "rejected")
        await self.progress.update_one(
            {"_id": document_id},
            {
                "$inc": {"done": len(new), "failed": failed},
                "$set": {"job_id": new[0].job_id, "through": max(position.offset for _, position in items)},
            },
            upsert=True,
        )

    async def job_progress(self, job_id: str) -> tuple[int, int]:
        """(done, failed) over every partition."""
        done = failed = 0
        for partition in range(COMMAND_PARTITIONS):
            document = await self.progress.find_one({"_id": f"{job_id}/{partition}"})
            if document:
                done, failed = done + document.get("done", 0), failed + document.get("failed", 0)
        return done, failed

    async def of_job(self, job_id: str) -> list[Outcome]:
        return [_to_outcome(d) async for d in self.collection.find({"job_id": job_id}, {"_outbox": 0})]

    async def forget_commands_before(self, cutoff: datetime) -> int:
        # Never a rejection whose event is still queued: the relay has yet to publish it.
        result = await self.collection.delete_many({"job_id": None, "at": {"$lt": cutoff}, "$nor": [PENDING]})
        return result.deleted_count

    async def forget_job_outcomes(self, job_id: str) -> None:
        await self.collection.delete_many({"job_id": job_id})

    async def forget_job_progress(self, job_id: str) -> None:
        await self.progress.delete_many(
            {"_id": {"$in": [f"{job_id}/{p}" for p in range(COMMAND_PARTITIONS)]}}
        )


def _to_outcome(document: Document) -> Outcome:
    return Outcome(
        command_id=UUID(document["_id"]),
        number=document["number"],
        tenant=document["tenant"],
        command_type=document["command_type"],
        status=document["status"],
        code=document.get("code"),
        detail=document.get("detail"),
        job_id=document.get("job_id"),
        at=document["at"],
    )
