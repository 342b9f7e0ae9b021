"""What every MongoDB adapter here shares: natural ids, versions, and reading documents back."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection


def doc_id(*parts: str) -> str:
    """A natural ``_id`` from its parts (FerretDB serves only ``_id`` equality from an index)."""
    return "/".join(parts)


def fields(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its bookkeeping (``_id``, ``_outbox``, ``_applied``, ...)."""
    return {k: v for k, v in document.items() if not k.startswith("_")}


def versioned(document_id: str, version: int, field: str = "version") -> dict[str, Any]:
    """A filter matching the document only while it still has ``version`` (0: never written)."""
    if version == 0:
        return {"_id": document_id, field: {"$exists": False}}
    return {"_id": document_id, field: version}


async def referred_requests(
    collection: AsyncCollection[dict[str, Any]],
    field: str,
    keys: Collection[tuple[str, str]],
    query: dict[str, Any],
) -> set[tuple[str, str]]:
    """Which of these (number, correlation id) the number requests stored under ``field`` refer to."""
    wanted = set(keys)
    if not wanted:
        return set()
    correlations = sorted({correlation for _, correlation in wanted})
    found: set[tuple[str, str]] = set()
    cursor = collection.find({**query, f"{field}.correlation_id": {"$in": correlations}}, {field: 1})
    async for document in cursor:
        found |= {(r["number"], r["correlation_id"]) for r in document[field]} & wanted
    return found
