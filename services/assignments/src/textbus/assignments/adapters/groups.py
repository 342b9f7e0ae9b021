"""SMS groups and their name reservations in MongoDB.

A group document holds the group, its latest request per number, the events
and commands queued by its last change (outbox) and, until published, the
membership changes that may need a connector-app sync. It also stores what the
groups search sorts and filters by (adapters/group_search.py): ``name_key``
(the name in any case) and ``member_count``, written with the name and members.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from textbus.assignments.adapters import messages
from textbus.assignments.adapters.documents import doc_id, fields, referred_requests
from textbus.assignments.adapters.revisions import GRACE, Revisions
from textbus.assignments.domain.groups import Group, GroupChange, MembershipChange
from textbus.assignments.domain.sync_tasks import SmsAssignmentChange
from textbus.assignments.service.ports import NameHolder
from textbus.kit.outbox import with_outbox


class MongoGroups:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], revisions: Revisions) -> None:
        self.collection = db["groups"]
        self.revisions = revisions
        # Documents from before revisions may still hold envelopes: the kit relays them at start.
        revisions.outbox.watch(self.collection)

    async def get(self, tenant: str, group_id: str) -> Group | None:
        document = await self.collection.find_one({"_id": doc_id(tenant, group_id)}, VISIBLE)
        return to_group(document) if document else None

    async def insert(self, change: GroupChange, *, correlation_id: str | None) -> None:
        await self.replace(change, expected_version=0, correlation_id=correlation_id)

    async def replace(
        self, change: GroupChange, *, expected_version: int, correlation_id: str | None
    ) -> None:
        group = change.group
        held = None
        if change.membership is not None:
            held = {"_membership": [_membership_document(change.membership)]}
        await self.revisions.write(
            self.collection,
            doc_id(group.tenant, group.group_id),
            expected_version + 1,
            to_document(group),
            _messages(change, correlation_id),
            held=held,
        )

    async def of_member(self, tenant: str, user_id: str) -> list[Group]:
        cursor = self.collection.find(
            {"tenant": tenant, "deleted": False, "member_user_ids": user_id}, VISIBLE
        )
        return [to_group(d) async for d in cursor]

    async def settle_membership(
        self, group: Group, change: MembershipChange, event: SmsAssignmentChange | None
    ) -> None:
        """Publish the change's event and forget it, from the revision that holds it (or, stored
        before revisions, from the group's document)."""
        document_id = doc_id(group.tenant, group.group_id)
        revision_id = doc_id(self.collection.name, document_id, str(group.version))
        for holder, holder_id in ((self.revisions.collection, revision_id), (self.collection, document_id)):
            stored = await holder.find_one({"_id": holder_id}, {"_membership": 1})
            # The entry as read: FerretDB's $pull removes exact matches only, not by condition.
            entry = next(
                (m for m in (stored or {}).get("_membership", []) if m["change_id"] == change.change_id),
                None,
            )
            if entry is None:
                continue
            queued = [messages.sms_assignment_changed(group.tenant, event)] if event else []
            await holder.update_one(
                {"_id": holder_id}, with_outbox({"$pull": {"_membership": entry}}, queued)
            )
            await self.revisions.outbox.deliver(holder, holder_id)
            return

    async def unsettled_memberships(self) -> list[tuple[Group, MembershipChange]]:
        """Membership changes older than the revisions' grace (younger ones are their writers' to
        settle), and any a group document kept from before revisions."""
        unsettled: list[tuple[Group, MembershipChange]] = []
        now = self.revisions.clock()
        async for revision in self.revisions.collection.find(_UNSETTLED):
            if now - revision["recorded_at"] >= GRACE:
                group = to_group(revision["fields"])
                unsettled.extend((group, _to_membership(m)) for m in revision["_membership"])
        async for document in self.collection.find(_UNSETTLED):
            group = to_group(document)
            unsettled.extend((group, _to_membership(m)) for m in document["_membership"])
        return unsettled

    async def requested(self, keys: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        # A deleted group's requests are never shown again.
        return await referred_requests(self.collection, "requests", keys, {"deleted": False})

    async def count_members_of_earlier_groups(self) -> None:
        """At start-up: give the live groups stored before ``member_count`` was their count.

        Only a group still without one is written, so a group the API stores meanwhile (with its
        count) keeps what it stored; on MongoDB that condition is atomic. Each tenant's are found
        through the search's index on (tenant, deleted, member_count, ...).
        """
        for tenant in await self.collection.distinct("tenant"):
            earlier = {"tenant": tenant, "deleted": False, "member_count": None}
            async for document in self.collection.find(earlier, {"member_user_ids": 1}):
                await self.collection.update_one(
                    {"_id": document["_id"], "member_count": None},
                    {"$set": {"member_count": len(document["member_user_ids"])}},
                )


class MongoGroupNames:
    """One document per (tenant, name): inserting it is the atomic check that a name is free."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db["group_names"]

    async def reserve(self, tenant: str, name_key: str, group_id: str, at: datetime) -> NameHolder | None:
        document_id = doc_id(tenant, name_key)
        for _ in range(3):
            try:
                await self.collection.insert_one(
                    {"_id": document_id, "group_id": group_id, "reserved_at": at}
                )
                return None
            except DuplicateKeyError:
                holder = await self.collection.find_one({"_id": document_id})
            if holder is not None:
                return NameHolder(group_id=holder["group_id"], reserved_at=holder["reserved_at"])
        raise RuntimeError(f"group name reservation {document_id!r} keeps changing")

    async def take_over(self, tenant: str, name_key: str, holder: NameHolder, group_id: str) -> bool:
        result = await self.collection.update_one(
            {"_id": doc_id(tenant, name_key), "group_id": holder.group_id, "reserved_at": holder.reserved_at},
            {"$set": {"group_id": group_id}},
        )
        return result.modified_count == 1

    async def release(self, tenant: str, name_key: str, group_id: str) -> None:
        await self.collection.delete_one({"_id": doc_id(tenant, name_key), "group_id": group_id})


VISIBLE = {"_outbox": 0, "_applied": 0}
_UNSETTLED = {"_membership.0": {"$exists": True}}
# Stored for the search, not part of the group.
_SEARCHED = {"name_key", "member_count"}


def to_document(group: Group) -> dict[str, Any]:
    return {**group.model_dump(), "name_key": group.name_key, "member_count": len(group.member_user_ids)}


def _messages(change: GroupChange, correlation_id: str | None) -> list[messages.Message]:
    group = change.group
    queued = []
    if group.deleted:
        queued.append(messages.group_deleted(group, correlation_id))
    elif change.profile_changed:
        queued.append(messages.group_upserted(group, correlation_id))
    # After the group's event: the numbers service waits for an assignee it has not heard of yet.
    queued += [messages.number_command(group.tenant, group.assignee, c) for c in change.commands]
    return queued


def _membership_document(change: MembershipChange) -> dict[str, Any]:
    return {
        "change_id": change.change_id,
        "members_added": list(change.members_added),
        "members_removed": list(change.members_removed),
        "owner_changed": change.owner_changed,
        "at": change.at,
    }


def _to_membership(document: dict[str, Any]) -> MembershipChange:
    return MembershipChange(
        change_id=document["change_id"],
        members_added=tuple(document["members_added"]),
        members_removed=tuple(document["members_removed"]),
        owner_changed=document["owner_changed"],
        at=document["at"],
    )


def to_group(document: dict[str, Any]) -> Group:
    return Group.model_validate({k: v for k, v in fields(document).items() if k not in _SEARCHED})
