"""What the numbers service knows of other services' records, learned from their events.

Assignees (users and groups) decide who a number may be assigned to and what
the service chip says; enterprise settings decide who may manage numbers;
carrier profiles decide whether a number's profile exists. A number's last
activity and its domain subscription are kept in documents of their own, not
on the number's document, so that these consumers never race the one writer
of the number's state (the commands consumer). Each document remembers the
envelopes applied to it, so a redelivered event changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from textbus.contracts import Envelope
from textbus.contracts.activity.v1 import NumberActivity
from textbus.contracts.assignments.v1 import EnterpriseUpserted, GroupDeleted, GroupUpserted, UserUpserted
from textbus.contracts.carriers.v1 import CarrierProfileDeleted, CarrierProfileUpserted
from textbus.contracts.domains.v1 import NumberDomainExpired, NumberDomainRestored
from textbus.kit.mongo import apply_once
from textbus.kit.mongo_search import contains
from textbus.numbers.domain.numbers import Assignee, AssigneeFacts

Document = dict[str, Any]


def assignee_id(tenant: str, kind: str, id_: str) -> str:
    return f"{tenant}/{kind}/{id_}"


def profile_id(tenant: str, profile: str) -> str:
    return f"{tenant}/{profile}"


class ReadModels:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.assignees = db["assignees"]
        self.enterprises = db["enterprises"]
        self.carrier_profiles = db["carrier_profiles"]
        self.activity = db["number_activity"]
        self.domains = db["number_domains"]

    async def apply(self, envelope: Envelope) -> bool:
        """Apply one event from another service; False when it was applied before or is not ours."""
        target = self._target(envelope)
        if target is None:
            return False
        collection, document_id, update = target
        return await apply_once(collection, document_id, envelope.id, update)

    def _target(self, envelope: Envelope) -> tuple[AsyncCollection[Document], str, Document] | None:
        tenant, data, at = envelope.tenant, envelope.data, envelope.time
        match data:
            case UserUpserted():
                fields = {
                    "kind": "user",
                    "id": data.user_id,
                    "name": data.display_name,
                    "enabled": data.enabled,
                    "exists": True,
                }
                return self.assignees, assignee_id(tenant, "user", data.user_id), _set(tenant, at, fields)
            case GroupUpserted():
                fields = {
                    "kind": "group",
                    "id": data.group_id,
                    "name": data.name,
                    "enabled": True,
                    "exists": True,
                }
                return self.assignees, assignee_id(tenant, "group", data.group_id), _set(tenant, at, fields)
            case GroupDeleted():
                fields = {"kind": "group", "id": data.group_id, "exists": False}
                return self.assignees, assignee_id(tenant, "group", data.group_id), _set(tenant, at, fields)
            case EnterpriseUpserted():
                fields = {"name": data.name, "manages_own_numbers": data.manages_own_numbers}
                return self.enterprises, data.enterprise_id, _set(data.enterprise_id, at, fields)
            case CarrierProfileUpserted():
                fields = {
                    "profile_id": data.profile_id,
                    "name": data.name,
                    "carrier": data.carrier,
                    "exists": True,
                }
                return self.carrier_profiles, profile_id(tenant, data.profile_id), _set(tenant, at, fields)
            case CarrierProfileDeleted():
                fields = {"profile_id": data.profile_id, "exists": False}
                return self.carrier_profiles, profile_id(tenant, data.profile_id), _set(tenant, at, fields)
            case NumberActivity():
                # $max keeps the latest activity when events arrive out of order.
                return self.activity, data.number, {"$max": {"last_activity_at": data.at}}
            case NumberDomainExpired() | NumberDomainRestored():
                fields = {
                    "expired": isinstance(data, NumberDomainExpired),
                    "domain": data.domain,
                    "subscription_id": data.subscription_id,
                }
                return self.domains, data.number, _set(tenant, at, fields)
        return None

    async def profile_known(self, tenant: str, profile: str) -> bool:
        document = await self.carrier_profiles.find_one({"_id": profile_id(tenant, profile)})
        return bool(document and document.get("exists"))

    async def assignee_facts(self, tenant: str, assignee: Assignee) -> AssigneeFacts:
        document = await self.assignees.find_one({"_id": assignee_id(tenant, assignee.kind, assignee.id)})
        if document is None or not document.get("exists"):
            return AssigneeFacts(exists=False, enabled=False)
        return AssigneeFacts(exists=True, enabled=bool(document.get("enabled", True)))

    async def enterprise_exists(self, tenant: str) -> bool:
        return await self.enterprises.find_one({"_id": tenant}, {"_id": 1}) is not None

    async def manages_own_numbers(self, tenant: str) -> bool:
        document = await self.enterprises.find_one({"_id": tenant})
        return bool(document and document.get("manages_own_numbers"))

    async def last_activity(self, number: str) -> datetime | None:
        document = await self.activity.find_one({"_id": number})
        return document.get("last_activity_at") if document else None


# Ids asked for in one query: a page's or an export batch's worth.
BY_IDS_AT_ONCE = 500


async def by_ids(
    collection: AsyncCollection[Document], ids: Iterable[str], projection: Document | None = None
) -> dict[str, Document]:
    """Documents by ``_id`` (with only ``projection``'s fields, if given): one ``$in`` query per
    ``BY_IDS_AT_ONCE`` ids."""
    found: dict[str, Document] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), BY_IDS_AT_ONCE):
        cursor = collection.find({"_id": {"$in": unique[start : start + BY_IDS_AT_ONCE]}}, projection)
        async for document in cursor:
            found[document["_id"]] = document
    return found


async def ids_containing(
    collection: AsyncCollection[Document], tenant: str, field: str, text: str
) -> list[str]:
    """Ids of the tenant's known entries whose ``field`` contains ``text`` (trimmed), in any case:
    what a reader sees a name of."""
    cursor = collection.find({"tenant": tenant, "exists": True, field: contains(text.strip())}, {"_id": 1})
    return [document["_id"] async for document in cursor]


def _set(tenant: str, at: datetime, fields: Document) -> Document:
    return {"$set": {"tenant": tenant, "updated_at": at, **fields}}
