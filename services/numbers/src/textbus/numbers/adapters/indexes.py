"""Indexes for the queries that do not look documents up by ``_id``, created at start-up.

FerretDB, the local stand-in, scans the collection for these anyway; the
indexes are for MongoDB, where the sweeps would otherwise scan it too.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase


async def ensure_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    # The retention sweep (job_id null, at before the horizon) and a job's results (job_id).
    await db["outcomes"].create_index([("job_id", 1), ("at", 1)])
    # The retention sweep of jobs (created before the horizon).
    await db["jobs"].create_index([("created_at", 1)])
