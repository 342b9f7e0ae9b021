"""Finding numbers: one query over the numbers collection for every search, page, export and
bulk selection, with each number's chip.

The query is built from the request (``number_filter``, ``_order``) and run by
the kit (kit/mongo_search.py): a page with its total, or batches from one
cursor for an export or a bulk selection, so that nothing holds a whole
inventory in memory. Assignee and carrier names live in read models, not on
number documents (those have one writer, the commands consumer), so a name
filter first finds the matching assignees or profiles (an indexed regex within
the tenant), then the numbers that point at them; a sort by name reads the
numbers one name at a time. service/selection.py says what the query must
select, and a test holds the two to the same answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from textbus.kit.mongo_search import (
    ByName,
    Filter,
    Sort,
    all_of,
    any_of,
    contains,
    direction,
    find_batches,
    one_of,
    page_in_order,
    stream_in_order,
)
from textbus.numbers.adapters.numbers_store import from_document
from textbus.numbers.adapters.read_models import ReadModels, assignee_id, by_ids, ids_containing, profile_id
from textbus.numbers.domain.chip import ChipFacts, service_chip
from textbus.numbers.domain.lifecycle import inactivity
from textbus.numbers.domain.numbers import Assignee, NumberRecord
from textbus.numbers.service.queries import (
    AssigneeView,
    CarrierProfileView,
    ChipView,
    InactivityView,
    NumberFilter,
    NumberView,
    ServicesFilter,
    SortedFilter,
)
from textbus.numbers.service.selection import Names, Selection
from textbus.search import number_needle

Document = dict[str, Any]
# Bookkeeping a reader never needs: the events queued and the commands applied.
READ = {"_outbox": 0, "_applied": 0}


def number_filter(tenant: str, selection: Selection) -> Filter:
    """The query selecting what ``selection`` selects among the tenant's numbers."""
    query = selection.query
    anywhere = selection.anywhere
    return all_of(
        {"tenant": tenant, "deleted": False},
        any_of(
            {"_id": contains(number_needle(query.q))},
            one_of("assignee_key", sorted(anywhere.assignees)),
            one_of("carrier_profile_id", sorted(anywhere.profiles)),
        )
        if query.q and anywhere is not None
        else None,
        {"_id": contains(number_needle(query.number))} if query.number else None,
        one_of("assignee_key", sorted(selection.assignee.assignees)) if selection.assignee else None,
        one_of("carrier_profile_id", sorted(selection.carrier.profiles)) if selection.carrier else None,
        any_of(*(_SERVICES[group] for group in query.services)) if query.services else None,
        {"lifecycle": query.lifecycle} if query.lifecycle else None,
    )


_SERVICES: dict[ServicesFilter, Filter] = {
    ServicesFilter.NOT_CAPABLE: {"sms_capable": False},
    ServicesFilter.UNASSIGNED: {"sms_capable": True, "assignee_key": None},
    ServicesFilter.USER: {"sms_capable": True, "assignee.kind": "user"},
    ServicesFilter.GROUP: {"sms_capable": True, "assignee.kind": "group"},
}


class MongoCatalog:
    def __init__(self, db: AsyncDatabase[Document], read_models: ReadModels) -> None:
        self.numbers = db["numbers"]
        self.read_models = read_models

    async def page(
        self, tenant: str, query: SortedFilter, now: datetime, *, skip: int, limit: int
    ) -> tuple[list[NumberView], int]:
        selected = number_filter(tenant, await self.selection(tenant, query))
        order = self._order(tenant, query)
        found, total = await page_in_order(
            self.numbers, selected, order, skip=skip, limit=limit, projection=READ
        )
        return await self.views(tenant, [from_document(d) for d in found], now), total

    async def stream(
        self, tenant: str, query: SortedFilter, now: datetime
    ) -> AsyncIterator[list[NumberView]]:
        """Every matching number, in the query's order, a batch at a time (for export)."""
        selected = number_filter(tenant, await self.selection(tenant, query))
        batches = stream_in_order(self.numbers, selected, self._order(tenant, query), projection=READ)
        async for batch in batches:
            yield await self.views(tenant, [from_document(d) for d in batch], now)

    async def matching(self, tenant: str, criteria: NumberFilter) -> list[Document]:
        """The numbers a filter selects, as ``_id`` and ``assignee_key`` (a bulk selection)."""
        selected = number_filter(tenant, await self.selection(tenant, criteria))
        projection = {"assignee_key": 1}
        batches = find_batches(self.numbers, selected, [("_id", 1)], projection=projection)
        return [document async for batch in batches for document in batch]

    async def selection(self, tenant: str, criteria: NumberFilter) -> Selection:
        """The filter with its name criteria resolved to the assignees and profiles they match."""
        return Selection(
            criteria,
            anywhere=await self._names(tenant, criteria.q, criteria.q) if criteria.q else None,
            assignee=await self._names(tenant, criteria.assignee, None) if criteria.assignee else None,
            carrier=await self._names(tenant, None, criteria.carrier) if criteria.carrier else None,
        )

    def _order(self, tenant: str, query: SortedFilter) -> Sort | ByName:
        field, descending = query.sort.lstrip("-"), query.sort.startswith("-")
        way = direction(descending)
        match field:
            case "assignee":
                return ByName("assignee_key", lambda keys: self.assignee_names(tenant, keys), descending)
            case "carrier":
                return ByName("carrier_profile_id", lambda ids: self.profile_names(tenant, ids), descending)
            case "number":
                return [("_id", way)]
        return [(field, way), ("_id", way)]

    async def assignee_names(self, tenant: str, keys: Collection[str]) -> Mapping[str, str | None]:
        """The names shown for these assignees (kind/id), of those still known."""
        found = await by_ids(self.read_models.assignees, (f"{tenant}/{key}" for key in keys))
        return {d["_id"].removeprefix(f"{tenant}/"): d.get("name") for d in found.values() if d.get("exists")}

    async def profile_names(self, tenant: str, profiles: Collection[str]) -> Mapping[str, str | None]:
        """The names shown for these carrier profiles, of those still known."""
        found = await by_ids(self.read_models.carrier_profiles, (profile_id(tenant, p) for p in profiles))
        return {d["profile_id"]: d.get("name") for d in found.values() if d.get("exists")}

    async def numbers_of(self, tenant: str, numbers: list[str]) -> dict[str, Document]:
        """The tenant's numbers among these, as ``_id`` and ``assignee_key`` (a bulk selection, up
        to the bulk limit: their events and applied ids are not read)."""
        found = await by_ids(self.numbers, numbers, {"tenant": 1, "deleted": 1, "assignee_key": 1})
        return {n: d for n, d in found.items() if d["tenant"] == tenant and not d.get("deleted")}

    async def view(self, tenant: str, number: str, now: datetime) -> NumberView | None:
        document = await self.numbers.find_one({"_id": number}, READ)
        if document is None or document["tenant"] != tenant or document.get("deleted"):
            return None
        return (await self.views(tenant, [from_document(document)], now))[0]

    async def views(self, tenant: str, records: list[NumberRecord], now: datetime) -> list[NumberView]:
        """The records as a reader sees them: one look-up per read model for them all."""
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
