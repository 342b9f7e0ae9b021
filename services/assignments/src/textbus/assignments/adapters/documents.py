"""What every MongoDB adapter here shares: natural ids, queued events, and reading documents back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textbus.contracts import Envelope, Topic
from textbus.kit.outbox import outbox_entry


def doc_id(*parts: str) -> str:
    """A natural ``_id`` from its parts (FerretDB serves only ``_id`` equality from an index)."""
    return "/".join(parts)


def fields(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its bookkeeping (``_id``, ``_outbox``, ``_applied``, ...)."""
    return {k: v for k, v in document.items() if not k.startswith("_")}


def outbox_entries(messages: Iterable[tuple[Topic, Envelope]]) -> list[dict[str, Any]]:
    """Outbox entries for ``messages``, as the kit's outbox queues and delivers them."""
    return [outbox_entry(t, e) for t, e in messages]


def with_events(update: dict[str, Any], messages: Iterable[tuple[Topic, Envelope]]) -> dict[str, Any]:
    """``update`` extended to queue every message, in order, on the same document (its outbox)."""
    entries = outbox_entries(messages)
    if not entries:
        return update
    return {**update, "$push": {**update.get("$push", {}), "_outbox": {"$each": entries}}}


def versioned(document_id: str, version: int, field: str = "version") -> dict[str, Any]:
    """A filter matching the document only while it still has ``version`` (0: never written)."""
    if version == 0:
        return {"_id": document_id, field: {"$exists": False}}
    return {"_id": document_id, field: version}
