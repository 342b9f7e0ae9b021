"""Bulk jobs: the job document, its input in chunks, and a cursor of what has been published.

Chunks are fetched by ``_id`` (fast on FerretDB too). The runner is the only
writer of the cursor; running a job twice publishes commands with the same
deterministic envelope ids, which the commands consumer applies once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]


def chunk_id(job_id: str, index: int) -> str:
    return f"{job_id}/{index:06d}"


class MongoJobs:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.jobs = db["jobs"]
        self.chunks = db["job_chunks"]

    async def create(self, job: Document, chunks: list[list[Document]]) -> None:
        """Store the input first and the job last, so a listed job always has all its chunks."""
        for index, items in enumerate(chunks):
            await self.chunks.replace_one(
                {"_id": chunk_id(job["_id"], index)}, {"job_id": job["_id"], "items": items}, upsert=True
            )
        await self.jobs.insert_one(
            {**job, "chunks": len(chunks), "published_chunks": 0, "publishing": bool(chunks)}
        )

    async def get(self, job_id: str, tenant: str | None = None) -> Document | None:
        job = await self.jobs.find_one({"_id": job_id})
        return job if job is not None and tenant in (None, job["tenant"]) else None

    async def chunk(self, job_id: str, index: int) -> list[Document]:
        document = await self.chunks.find_one({"_id": chunk_id(job_id, index)})
        return document["items"] if document else []

    async def mark_published(self, job_id: str, published: int, total: int, at: datetime) -> None:
        await self.jobs.update_one(
            {"_id": job_id},
            {"$set": {"published_chunks": published, "publishing": published < total, "updated_at": at}},
        )

    async def created_before(self, cutoff: datetime) -> list[Document]:
        cursor = self.jobs.find(
            {"created_at": {"$lt": cutoff}}, {"_id": 1, "chunks": 1, "commands": 1, "publishing": 1}
        )
        return [d async for d in cursor]

    async def forget(self, job_id: str, chunks: int) -> None:
        await self.chunks.delete_many({"_id": {"$in": [chunk_id(job_id, i) for i in range(chunks)]}})
        await self.jobs.delete_one({"_id": job_id})

    async def unpublished(self) -> list[str]:
        """Jobs whose commands are not all published (a restart resumes them)."""
        cursor = self.jobs.find({"publishing": True}, {"_id": 1})
        return [d["_id"] async for d in cursor]
