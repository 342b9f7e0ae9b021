"""Finding numbers: the tenant's inventory filtered, sorted and paged, with each number's chip.

Assignee and carrier names live in read models, not on number documents (those
have one writer, the commands consumer), so a name filter first finds the
matching assignees or profiles and then the numbers that point at them.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from textbus.contracts.common import Assignee
from textbus.numbers.adapters.numbers_store import from_document
from textbus.numbers.adapters.read_models import ReadModels, assignee_id, by_ids, ids_containing, profile_id
from textbus.numbers.domain.chip import ChipFacts, service_chip
from textbus.numbers.domain.lifecycle import inactivity
from textbus.numbers.domain.numbers import NumberRecord
from textbus.numbers.domain.phone import search_digits
from textbus.numbers.service.queries import (
    AssigneeView,
    CarrierProfileView,
    ChipView,
    InactivityView,
    NumberQuery,
    NumberView,
    ServicesFilter,
)

Document = dict[str, Any]

_SORT_FIELDS = {
    "number": "_id",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "assignee": "assignee_key",
    "carrier": "carrier_profile_id",
}
_SERVICES = {
    ServicesFilter.NOT_CAPABLE: {"sms_capable": False},
    ServicesFilter.UNASSIGNED: {"sms_capable": True, "assignee_key": None},
    ServicesFilter.USER: {"sms_capable": True, "assignee.kind": "user"},
    ServicesFilter.GROUP: {"sms_capable": True, "assignee.kind": "group"},
}


class MongoCatalog:
    def __init__(self, db: AsyncDatabase[Document], read_models: ReadModels) -> None:
        self.numbers = db["numbers"]
        self.read_models = read_models

    async def filter_for(self, tenant: str, query: NumberQuery) -> Document:
        clauses: list[Document] = [{"tenant": tenant}, {"deleted": False}]
        if query.q:
            clauses.append({"$or": await self._anywhere(tenant, query.q)})
        if query.number:
            clauses.append(_number_contains(query.number))
        if query.assignee:
            clauses.append({"assignee_key": {"$in": await self._assignees_named(tenant, query.assignee)}})
        if query.carrier:
            clauses.append({"carrier_profile_id": {"$in": await self._profiles_named(tenant, query.carrier)}})
        if query.services:
            clauses.append({"$or": [_SERVICES[s] for s in query.services]})
        if query.lifecycle:
            clauses.append({"lifecycle": query.lifecycle})
        return {"$and": clauses}

    async def page(self, tenant: str, query: NumberQuery, now: datetime) -> tuple[list[NumberView], int]:
        where = await self.filter_for(tenant, query)
        total = await self.numbers.count_documents(where)
        field = _SORT_FIELDS[query.sort.lstrip("-")]
        order = DESCENDING if query.sort.startswith("-") else ASCENDING
        cursor = (
            self.numbers.find(where)
            .sort([(field, order), ("_id", order)])
            .skip(query.skip)
            .limit(query.limit)
        )
        documents = [d async for d in cursor]
        return await self.views(tenant, documents, now), total

    async def stream(
        self, tenant: str, query: NumberQuery, now: datetime, batch: int = 500
    ) -> AsyncIterator[list[NumberView]]:
        """Every matching number, in number order, a batch at a time (for export)."""
        where = await self.filter_for(tenant, query)
        documents: list[Document] = []
        async for document in self.numbers.find(where).sort("_id", ASCENDING):
            documents.append(document)
            if len(documents) == batch:
                yield await self.views(tenant, documents, now)
                documents = []
        if documents:
            yield await self.views(tenant, documents, now)

    async def numbers_of(self, tenant: str, numbers: list[str]) -> dict[str, Document]:
        found = await by_ids(self.numbers, numbers)
        return {n: d for n, d in found.items() if d["tenant"] == tenant and not d.get("deleted")}

    async def matching(self, tenant: str, query: NumberQuery) -> list[Document]:
        where = await self.filter_for(tenant, query)
        return [d async for d in self.numbers.find(where, {"_id": 1, "assignee_key": 1})]

    async def view(self, tenant: str, number: str, now: datetime) -> NumberView | None:
        # By _id alone, the one filter FerretDB does not answer with a collection scan.
        document = await self.numbers.find_one({"_id": number})
        if document is None or document["tenant"] != tenant or document.get("deleted"):
            return None
        return (await self.views(tenant, [document], now))[0]

    async def views(self, tenant: str, documents: list[Document], now: datetime) -> list[NumberView]:
        records = [from_document(d) for d in documents]
        rm = self.read_models
        assignees = await by_ids(
            rm.assignees, (_assignee_doc_id(tenant, r.assignee) for r in records if r.assignee)
        )
        profiles = await by_ids(
            rm.carrier_profiles,
            (profile_id(tenant, r.carrier_profile_id) for r in records if r.carrier_profile_id),
        )
        numbers = [r.number for r in records]
        activity = await by_ids(rm.activity, numbers)
        domains = await by_ids(rm.domains, numbers)
        return [
            _view(r, assignees, profiles, activity.get(r.number), domains.get(r.number), tenant, now)
            for r in records
        ]

    async def _anywhere(self, tenant: str, text: str) -> list[Document]:
        return [
            _number_contains(text),
            {"assignee_key": {"$in": await self._assignees_named(tenant, text)}},
            {"carrier_profile_id": {"$in": await self._profiles_named(tenant, text)}},
        ]

    async def _assignees_named(self, tenant: str, text: str) -> list[str]:
        ids = await ids_containing(self.read_models.assignees, tenant, "name", text)
        return [i.removeprefix(f"{tenant}/") for i in ids]  # tenant/kind/id -> kind/id

    async def _profiles_named(self, tenant: str, text: str) -> list[str]:
        by_name = await ids_containing(self.read_models.carrier_profiles, tenant, "name", text)
        by_carrier = await ids_containing(self.read_models.carrier_profiles, tenant, "carrier", text)
        return sorted({i.removeprefix(f"{tenant}/") for i in by_name + by_carrier})


def _number_contains(text: str) -> Document:
    digits = search_digits(text)
    pattern = re.escape(digits) if digits else re.escape(text.strip())
    return {"_id": {"$regex": pattern, "$options": "i"}}


def _assignee_doc_id(tenant: str, assignee: Assignee) -> str:
    return assignee_id(tenant, assignee.kind, assignee.id)


def _view(
    record: NumberRecord,
    assignees: dict[str, Document],
    profiles: dict[str, Document],
    activity: Document | None,
    domain: Document | None,
    tenant: str,
    now: datetime,
) -> NumberView:
    assignee_doc = assignees.get(_assignee_doc_id(tenant, record.assignee)) if record.assignee else None
    known_assignee = bool(assignee_doc and assignee_doc.get("exists"))
    profile_doc = (
        profiles.get(profile_id(tenant, record.carrier_profile_id)) if record.carrier_profile_id else None
    )
    known_profile = bool(profile_doc and profile_doc.get("exists"))
    last_activity = activity.get("last_activity_at") if activity else None
    chip = service_chip(
        ChipFacts(
            sms_capable=record.sms_capable,
            assigned=record.is_assigned,
            carrier_profile_id=record.carrier_profile_id,
            carrier_profile_exists=known_profile,
            assignee_exists=known_assignee,
            assignee_enabled=bool(assignee_doc and assignee_doc.get("enabled", True)),
            domain_expired=bool(domain and domain.get("expired")),
        )
    )
    idle = inactivity(created_at=record.created_at, last_activity_at=last_activity, now=now)
    return NumberView(
        number=record.number,
        sms_capable=record.sms_capable,
        carrier_profile=CarrierProfileView(
            id=record.carrier_profile_id,
            name=profile_doc.get("name") if known_profile and profile_doc else None,
            carrier=profile_doc.get("carrier") if known_profile and profile_doc else None,
        )
        if record.carrier_profile_id
        else None,
        assignee=AssigneeView(
            kind=record.assignee.kind,
            id=record.assignee.id,
            name=assignee_doc.get("name") if known_assignee and assignee_doc else None,
        )
        if record.assignee
        else None,
        registration=record.registration,
        lifecycle=record.lifecycle,
        last_activity_at=last_activity,
        created_at=record.created_at,
        updated_at=record.updated_at,
        service_chip=ChipView(state=chip.state.value, issues=[i.value for i in chip.issues]),
        inactivity=InactivityView(flagged=idle.flagged, release_at=idle.release_at)
        if record.lifecycle == "active"
        else None,
    )
