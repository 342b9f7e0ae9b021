"""Finding numbers: the tenant's inventory filtered, sorted and paged, with each number's chip.

The inventory is read from its shelves (adapters/shelves.py), then selected and
sorted by service/selection.py. Assignee and carrier names live in read models,
not on number documents (those have one writer, the commands consumer), so a
name filter first finds the matching assignees or profiles, then the numbers
that point at them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from textbus.contracts.common import Assignee
from textbus.numbers.adapters.numbers_store import from_document
from textbus.numbers.adapters.read_models import ReadModels, assignee_id, by_ids, ids_containing, profile_id
from textbus.numbers.adapters.shelves import MongoShelves
from textbus.numbers.domain.chip import ChipFacts, service_chip
from textbus.numbers.domain.lifecycle import inactivity
from textbus.numbers.domain.numbers import NumberRecord
from textbus.numbers.service.queries import (
    AssigneeView,
    CarrierProfileView,
    ChipView,
    InactivityView,
    NumberFilter,
    NumberQuery,
    NumberView,
    SortedFilter,
    SortKey,
    assignee_key,
)
from textbus.numbers.service.selection import Names, Selection

Document = dict[str, Any]


class MongoCatalog:
    def __init__(self, db: AsyncDatabase[Document], read_models: ReadModels, shelves: MongoShelves) -> None:
        self.numbers = db["numbers"]
        self.read_models = read_models
        self.shelves = shelves

    async def page(self, tenant: str, query: NumberQuery, now: datetime) -> tuple[list[NumberView], int]:
        selected = await self._selected(tenant, query, query.sort)
        return await self.views(tenant, selected[query.skip : query.skip + query.limit], now), len(selected)

    async def stream(
        self, tenant: str, query: SortedFilter, now: datetime, batch: int = 500
    ) -> AsyncIterator[list[NumberView]]:
        """Every matching number, in the query's order, a batch at a time (for export)."""
        selected = await self._selected(tenant, query, query.sort)
        for start in range(0, len(selected), batch):
            yield await self.views(tenant, selected[start : start + batch], now)

    async def matching(self, tenant: str, criteria: NumberFilter) -> list[Document]:
        return [
            {"_id": r.number, "assignee_key": assignee_key(r.assignee) if r.assignee else None}
            for r in await self._selected(tenant, criteria, "number")
        ]

    async def _selected(self, tenant: str, criteria: NumberFilter, sort: SortKey) -> list[NumberRecord]:
        selection = Selection(
            criteria,
            anywhere=await self._names(tenant, criteria.q, criteria.q) if criteria.q else None,
            assignee=await self._names(tenant, criteria.assignee, None) if criteria.assignee else None,
            carrier=await self._names(tenant, None, criteria.carrier) if criteria.carrier else None,
            sort=sort,
        )
        return selection.sorted(r for r in await self.shelves.records(tenant) if selection.selects(r))

    async def numbers_of(self, tenant: str, numbers: list[str]) -> dict[str, Document]:
        found = await by_ids(self.numbers, numbers)
        return {n: d for n, d in found.items() if d["tenant"] == tenant and not d.get("deleted")}

    async def view(self, tenant: str, number: str, now: datetime) -> NumberView | None:
        # By _id alone, the one filter FerretDB does not answer with a collection scan.
        document = await self.numbers.find_one({"_id": number})
        if document is None or document["tenant"] != tenant or document.get("deleted"):
            return None
        return (await self.views(tenant, [from_document(document)], now))[0]

    async def views(self, tenant: str, records: list[NumberRecord], now: datetime) -> list[NumberView]:
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

    async def _names(self, tenant: str, assignee: str | None, carrier: str | None) -> Names:
        """The assignees whose name contains ``assignee`` and the carrier profiles whose name or
        carrier contains ``carrier``, from the read models."""
        assignees: list[str] = []
        profiles: set[str] = set()
        if assignee:
            ids = await ids_containing(self.read_models.assignees, tenant, "name", assignee)
            assignees = [i.removeprefix(f"{tenant}/") for i in ids]  # tenant/kind/id -> kind/id
        if carrier:
            for field in ("name", "carrier"):
                ids = await ids_containing(self.read_models.carrier_profiles, tenant, field, carrier)
                profiles.update(i.removeprefix(f"{tenant}/") for i in ids)
        return Names(assignees=frozenset(assignees), profiles=frozenset(profiles))


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
