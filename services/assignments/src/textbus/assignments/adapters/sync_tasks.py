"""Sync tasks in MongoDB.

Tasks, the open-task pointer, counted change ids and the enterprise's SMS
recipients are written only by the keeper (the consumer of the enterprise's
partition of assignments.events.v1). Completions are inserted once each by
the API, with their SyncTaskCompleted event in the same document's outbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from textbus.assignments.adapters import messages
from textbus.assignments.adapters.documents import doc_id, fields
from textbus.assignments.domain.sync_tasks import Completion, SyncTask, SyncTaskKind, task_id
from textbus.kit.outbox import Outbox, outbox_entries, with_outbox


class MongoSyncTasks:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], outbox: Outbox) -> None:
        self.tasks = db["sync_tasks"]
        self.pointers = db["sync_open_tasks"]
        self.counted_changes = db["sync_counted_changes"]
        self.recipients = db["sms_recipients"]
        self.outbox = outbox
        outbox.watch(self.tasks)

    async def open_seq(self, tenant: str, kind: SyncTaskKind) -> int:
        document = await self.pointers.find_one({"_id": doc_id(tenant, kind)})
        return int(document["seq"]) if document else 1

    async def set_open_seq(self, tenant: str, kind: SyncTaskKind, seq: int) -> None:
        await self.pointers.update_one({"_id": doc_id(tenant, kind)}, {"$set": {"seq": seq}}, upsert=True)

    async def get(self, tenant: str, kind: SyncTaskKind, seq: int) -> SyncTask | None:
        document = await self.tasks.find_one({"_id": doc_id(tenant, kind, str(seq))}, {"_outbox": 0})
        return SyncTask.model_validate(fields(document)) if document else None

    async def save(self, task: SyncTask) -> None:
        document_id = doc_id(task.tenant, task.kind, str(task.seq))
        await self.tasks.update_one(
            {"_id": document_id},
            with_outbox({"$set": task.model_dump()}, [messages.sync_task_upserted(task)]),
            upsert=True,
        )
        await self.outbox.deliver(self.tasks, document_id)

    async def of_tenant(self, tenant: str) -> list[SyncTask]:
        cursor = self.tasks.find({"tenant": tenant}, {"_outbox": 0})
        return [SyncTask.model_validate(fields(d)) async for d in cursor]

    async def counted(self, tenant: str, kind: SyncTaskKind, change_id: str) -> bool:
        return await self.counted_changes.find_one({"_id": doc_id(tenant, kind, change_id)}) is not None

    async def mark_counted(self, tenant: str, kind: SyncTaskKind, change_id: str, *, at: datetime) -> None:
        await self.counted_changes.update_one(
            {"_id": doc_id(tenant, kind, change_id)},
            {"$set": {"tenant": tenant, "counted_at": at}},
            upsert=True,
        )

    async def open_tasks(self) -> list[SyncTask]:
        cursor = self.tasks.find({"status": "open"}, {"_outbox": 0})
        return [SyncTask.model_validate(fields(d)) async for d in cursor]

    async def forget_counted(
        self, *, counted_before: datetime, keep: Iterable[tuple[str, SyncTaskKind, str]], now: datetime
    ) -> int:
        # Marks from before their time was kept; no one else writes them (the keeper writes a mark only
        # where none is, with its time).
        await self.counted_changes.update_many(
            {"counted_at": {"$exists": False}}, {"$set": {"counted_at": now}}
        )
        kept = sorted(doc_id(tenant, kind, change_id) for tenant, kind, change_id in keep)
        result = await self.counted_changes.delete_many(
            {"counted_at": {"$lt": counted_before}, "_id": {"$nin": kept}}
        )
        return result.deleted_count

    async def sms_recipients(self, tenant: str, user_ids: Iterable[str]) -> set[str]:
        ids = [doc_id(tenant, u) for u in set(user_ids)]
        if not ids:
            return set()
        return {d["user_id"] async for d in self.recipients.find({"_id": {"$in": ids}})}

    async def add_sms_recipients(self, tenant: str, user_ids: Iterable[str], at: datetime) -> None:
        for user_id in user_ids:
            await self.recipients.update_one(
                {"_id": doc_id(tenant, user_id)},
                {"$setOnInsert": {"tenant": tenant, "user_id": user_id, "first_sms_number_at": at}},
                upsert=True,
            )


class MongoCompletions:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], outbox: Outbox) -> None:
        self.collection = db["sync_completions"]
        self.outbox = outbox
        outbox.watch(self.collection)

    async def get(self, tenant: str, kind: SyncTaskKind, seq: int) -> Completion | None:
        document = await self.collection.find_one({"_id": doc_id(tenant, kind, str(seq))}, {"_outbox": 0})
        return Completion.model_validate(fields(document)) if document else None

    async def record(self, completion: Completion, *, correlation_id: str | None) -> bool:
        document_id = doc_id(completion.tenant, completion.kind, str(completion.seq))
        event = messages.sync_task_completed(
            completion, task_id(completion.kind, completion.seq), correlation_id
        )
        try:
            await self.collection.insert_one(
                {"_id": document_id, **completion.model_dump(), "_outbox": outbox_entries([event])}
            )
        except DuplicateKeyError:
            return False
        await self.outbox.deliver(self.collection, document_id)
        return True

    async def of_tenant(self, tenant: str) -> list[Completion]:
        cursor = self.collection.find({"tenant": tenant}, {"_outbox": 0})
        return [Completion.model_validate(fields(d)) async for d in cursor]
