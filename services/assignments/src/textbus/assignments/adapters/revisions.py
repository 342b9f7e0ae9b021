"""Versioned writes that hold with several processes writing one document, on FerretDB too.

FerretDB 1.x applies an update as read-then-replace without a lock: two concurrent conditional
updates of one document can both match, and the later replace drops the earlier one's change. Only
an ``_id`` insert is atomic there (as on MongoDB). So the right to write version v of a document is
taken by inserting its revision, ``<collection>/<document id>/<v>`` in ``revisions``, which holds the
fields that version sets and the envelopes it publishes:

- One writer per version: whoever's insert succeeds moves the document from v-1 to v; any other
  writer gets ``VersionConflict`` and reads again. Nothing else writes the document: its events wait
  in the revision's outbox, not the document's (and so does a group's membership change until it
  is settled), so the one replace of each version cannot drop another writer's change.
- A crash between the revision and the document is repaired by rolling the revision forward (its
  fields set on the document still at v-1: idempotent) once it is older than ``GRACE``, by the next
  writer that finds it or by ``finish`` (a periodic job), which also publishes what a crash left
  queued. ``GRACE`` is far beyond a write's duration, so its author is no longer writing; a claim
  (an insert too) makes one process at a time the one that rolls it forward.
- Events leave in version order across processes: before its own, a writer publishes what earlier
  revisions of the document still hold.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from textbus.assignments.adapters.documents import doc_id, versioned
from textbus.assignments.service.ports import VersionConflict
from textbus.kit.clock import Clock
from textbus.kit.outbox import PENDING, Message, Outbox, outbox_entries

log = logging.getLogger(__name__)

Document = dict[str, Any]
REVISIONS = "revisions"
# How long a revision's author may still be writing the document; older, it is rolled forward.
GRACE = timedelta(seconds=30)

Standing = Literal["applied", "in-flight", "abandoned"]


def standing(revision_version: int, document_version: int, age: timedelta) -> Standing:
    """Where a revision stands: on the document already, still being written by its author, or
    left behind by a crash (the document is still at the version before it)."""
    if document_version >= revision_version:
        return "applied"
    return "in-flight" if age < GRACE else "abandoned"


def claim_id(revision_id: str, at: datetime) -> str:
    """The claim to roll a revision forward: one per revision and ``GRACE``-long period, so a claimer
    that crashed blocks it for one period at most."""
    return f"{revision_id}/roll-forward/{int(at.timestamp() // GRACE.total_seconds())}"


class Revisions:
    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox, clock: Clock) -> None:
        self.db = db
        self.collection = db[REVISIONS]
        self.outbox = outbox
        self.clock = clock

    async def write(
        self,
        collection: AsyncCollection[Document],
        document_id: str,
        version: int,
        fields: Document,
        messages: Sequence[Message] = (),
        *,
        version_field: str = "version",
        held: Document | None = None,
    ) -> str:
        """Set ``fields`` as ``version`` of the document, which the caller read at ``version - 1``
        (version 1 creates it), and publish ``messages``; its revision's id.

        ``VersionConflict`` if another writer has that version. ``held``: fields kept on the
        revision for a later step (a group's membership change until it is settled).
        """
        revision_id = doc_id(collection.name, document_id, str(version))
        fields = {**fields, version_field: version}
        try:
            await self.collection.insert_one(
                {
                    "_id": revision_id,
                    "collection": collection.name,
                    "document_id": document_id,
                    "version": version,
                    "version_field": version_field,
                    "fields": fields,
                    "recorded_at": self.clock(),
                    "_outbox": outbox_entries(messages),
                    **(held or {}),
                }
            )
        except DuplicateKeyError:
            await self.repair(revision_id)
            raise VersionConflict(document_id) from None
        await _apply(collection, document_id, version, version_field, fields)
        await self._publish(collection.name, document_id, version, messages)
        return revision_id

    async def repair(self, revision_id: str) -> Standing | None:
        """Roll the revision forward if its author left it behind; where it stands (None: swept)."""
        revision = await self.collection.find_one({"_id": revision_id}, {"_outbox": 0})
        if revision is None:
            return None
        collection = self.db[revision["collection"]]
        document_id, version, version_field = (
            revision["document_id"],
            revision["version"],
            revision["version_field"],
        )
        now = self.clock()
        found = standing(
            version, await _version(collection, document_id, version_field), now - revision["recorded_at"]
        )
        if found != "abandoned":
            return found
        try:
            await self.collection.insert_one({"_id": claim_id(revision_id, now), "recorded_at": now})
        except DuplicateKeyError:
            return "in-flight"  # another process is rolling it forward
        log.warning("rolling forward a revision its writer left behind", extra={"revision": revision_id})
        await _apply(collection, document_id, version, version_field, revision["fields"])
        await self._publish(collection.name, document_id, version)
        return "applied"

    async def finish(self) -> int:
        """Periodically: roll forward what a crash left half-written and publish what it left queued
        (older than ``GRACE``: younger ones are their authors' to finish); how many were finished."""
        now = self.clock()
        left = [
            d["_id"]
            async for d in self.collection.find(PENDING, {"_id": 1, "recorded_at": 1})
            if now - d["recorded_at"] >= GRACE
        ]
        finished = 0
        for revision_id in sorted(left, key=_in_version_order):
            if await self.repair(revision_id) == "applied":
                finished += await self.outbox.deliver(self.collection, revision_id)
        return finished

    async def forget(self, recorded_before: datetime) -> int:
        """Delete revisions (and claims) older than this that hold nothing more: on their document,
        every envelope published, nothing left to settle; how many went."""
        gone = []
        async for revision in self.collection.find({"recorded_at": {"$lt": recorded_before}}):
            if revision.get("_outbox") or revision.get("_membership"):
                continue
            if "collection" in revision:
                collection = self.db[revision["collection"]]
                current = await _version(collection, revision["document_id"], revision["version_field"])
                if current < revision["version"]:
                    continue
            gone.append(revision["_id"])
        if gone:
            await self.collection.delete_many({"_id": {"$in": gone}})
        return len(gone)

    async def _publish(
        self, name: str, document_id: str, version: int, messages: Sequence[Message] | None = None
    ) -> None:
        """Publish what earlier revisions still hold (oldest first), then this one's envelopes."""
        earlier = []
        for previous in range(version - 1, 0, -1):
            revision_id = doc_id(name, document_id, str(previous))
            revision = await self.collection.find_one({"_id": revision_id}, {"_outbox": 1})
            if not (revision or {}).get("_outbox"):
                break
            earlier.append(revision_id)
        for revision_id in reversed(earlier):
            await self.outbox.deliver(self.collection, revision_id)
        await self.outbox.deliver(self.collection, doc_id(name, document_id, str(version)), messages)


async def _apply(
    collection: AsyncCollection[Document],
    document_id: str,
    version: int,
    version_field: str,
    fields: Document,
) -> None:
    """Set the revision's fields on the document still at the version before it (idempotent)."""
    try:
        result = await collection.update_one(
            versioned(document_id, version - 1, version_field), {"$set": fields}, upsert=version == 1
        )
        if result.matched_count or result.upserted_id is not None:
            return
    except DuplicateKeyError:
        pass  # version 1 was inserted meanwhile
    # Only this revision moves the document from version - 1: past it, it was rolled forward already.
    if await _version(collection, document_id, version_field) < version:
        raise RuntimeError(f"{collection.name} {document_id!r} is not at version {version - 1}")


async def _version(collection: AsyncCollection[Document], document_id: str, version_field: str) -> int:
    document = await collection.find_one({"_id": document_id}, {version_field: 1})
    return int((document or {}).get(version_field, 0))


def _in_version_order(revision_id: str) -> tuple[str, int]:
    document, _, version = revision_id.rpartition("/")
    return document, int(version)
