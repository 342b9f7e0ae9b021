"""Command outcomes, keyed by the command's envelope id, and job progress per partition.

A rejection's event is queued on its outcome document (there may be no number
document to carry it). Job progress is counted in one document per job and
partition: each has one writer, the partition's consumer, so the counts are
exact without transactions.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from textbus.contracts import Envelope, topic
from textbus.kit.kafka import Messaging
from textbus.kit.mongo import apply_once
from textbus.kit.outbox import deliver_one, outbox_entry, relay_pending
from textbus.numbers.service.ports import Outcome

EVENTS = topic("numbers.events.v1")
COMMAND_PARTITIONS = topic("numbers.commands.v1").partitions

Document = dict[str, Any]


class MongoOutcomes:
    def __init__(self, db: AsyncDatabase[Document], messaging: Messaging) -> None:
        self.collection = db["outcomes"]
        self.progress = db["job_progress"]
        self.messaging = messaging

    async def get(self, command_id: UUID) -> Outcome | None:
        document = await self.collection.find_one({"_id": str(command_id)}, {"_outbox": 0, "_applied": 0})
        return _to_outcome(document) if document else None

    async def record(self, outcome: Outcome, event: Envelope | None, partition: int | None) -> None:
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
            fields["_outbox"] = [outbox_entry(EVENTS, event)]
        try:
            await self.collection.insert_one({"_id": document_id, **fields})
        except DuplicateKeyError:
            pass  # recorded before a crash; relay_pending publishes a leftover event
        else:
            if event is not None:
                await deliver_one(self.collection, document_id, self.messaging, EVENTS, event)
        # Counted once per command even when the crash came between the insert and this count.
        if outcome.job_id is not None and partition is not None:
            failed = 1 if outcome.status == "rejected" else 0
            await apply_once(
                self.progress,
                f"{outcome.job_id}/{partition}",
                outcome.command_id,
                {"$inc": {"done": 1, "failed": failed}, "$set": {"job_id": outcome.job_id}},
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

    async def relay_pending(self) -> None:
        await relay_pending(self.collection, self.messaging)


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
