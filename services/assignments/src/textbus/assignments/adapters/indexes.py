"""Secondary indexes for the queries that are not by ``_id`` (MongoDB uses them; FerretDB may not)."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase


async def ensure_indexes(db: AsyncDatabase[dict[str, Any]]) -> None:
    await db["users"].create_index([("tenant", 1), ("user_id", 1)])
    await db["groups"].create_index([("tenant", 1), ("deleted", 1)])
    await db["groups"].create_index([("tenant", 1), ("member_user_ids", 1)])
    await db["numbers"].create_index([("tenant", 1), ("assignee.kind", 1), ("assignee.id", 1)])
    await db["sync_tasks"].create_index([("tenant", 1)])
    await db["sync_completions"].create_index([("tenant", 1)])
    # The retention sweep's queries (see service/retention.py).
    await db["command_outcomes"].create_index([("recorded_at", 1)])
    await db["sync_counted_changes"].create_index([("counted_at", 1)])
    await db["sync_tasks"].create_index([("status", 1)])
    await db["groups"].create_index([("requests.correlation_id", 1)])
    await db["users"].create_index([("number_requests.correlation_id", 1)])
