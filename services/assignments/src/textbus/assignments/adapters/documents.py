"""What every MongoDB adapter here shares: natural ids, versions, and reading documents back."""

from __future__ import annotations

from typing import Any


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
