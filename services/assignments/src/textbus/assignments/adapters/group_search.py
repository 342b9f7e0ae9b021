"""Finding SMS groups: one query over the groups collection for a page of the groups table and
its total.

The query is built from the request (``group_filter``, ``_order``) and run by the
kit (kit/mongo_search.py). What a group row shows but its document does not hold
is found first, each an indexed query within the tenant, and becomes an ``$in``:

- a person's name (owner, member): the users whose display name or sign-in
  name contains the text, then ``owner_user_id`` / ``member_user_ids``;
- a number: the groups whose shown numbers contain it, then their ``_id``. A
  group shows the numbers it holds (the numbers read model, searched on its
  index's keys) and those it asked for that are pending or were refused; the
  latter are found among the groups whose stored requests match the text (an
  indexed search of ``requests.number``), judged by the numbers service's
  answers exactly as the group's view judges them (``entries``). That part is
  read in Python, bounded by the requests that match: a group keeps a request
  only while its number is pending, refused or being unassigned, at most
  ``MAX_NUMBERS`` of them.

The member count as text is the counts whose digits contain it. Owner names live
with the users, so a sort by owner counts the groups per owner and reads them one
name at a time (``ByName``). domain/group_search.py says what the query must
select and in what order, and a test holds the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from textbus.assignments.adapters.documents import doc_id
from textbus.assignments.adapters.groups import VISIBLE, to_group
from textbus.assignments.adapters.numbers import MongoNumberFacts
from textbus.assignments.adapters.users import MongoUsers
from textbus.assignments.domain.group_search import GroupSearch, member_counts_containing
from textbus.assignments.domain.groups import Group
from textbus.assignments.domain.number_requests import NumberRequest, entries
from textbus.kit.mongo_search import (
    ByName,
    Filter,
    Sort,
    all_of,
    any_of,
    contains,
    direction,
    one_of,
    page_in_order,
)
from textbus.search import number_contains, number_needle

# Ties: the group name (unique in a tenant), then the document id.
TIES = ("name_key", "_id")


@dataclass(frozen=True)
class Found:
    """What a text filter found outside the group documents: users named, groups showing a number."""

    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Resolved:
    """The request with its text filters resolved (None: the filter was not given)."""

    query: GroupSearch
    anywhere: Found | None = None
    owner: Found | None = None
    member: Found | None = None
    number: Found | None = None


def group_filter(tenant: str, resolved: Resolved) -> Filter:
    """The query selecting what ``resolved.query`` selects among the tenant's groups."""
    query = resolved.query
    q, anywhere = query.q, resolved.anywhere
    return all_of(
        {"tenant": tenant, "deleted": False},
        any_of(
            _name_contains(q),
            one_of("owner_user_id", sorted(anywhere.users)),
            one_of("member_user_ids", sorted(anywhere.users)),
            one_of("member_count", member_counts_containing(q)),
            _groups(tenant, anywhere.groups),
        )
        if q is not None and anywhere is not None
        else None,
        _name_contains(query.name) if query.name is not None else None,
        one_of("owner_user_id", sorted(resolved.owner.users)) if resolved.owner is not None else None,
        one_of("member_user_ids", sorted(resolved.member.users)) if resolved.member is not None else None,
        _groups(tenant, resolved.number.groups) if resolved.number is not None else None,
        _member_count(query),
    )


def _name_contains(text: str) -> Filter:
    # name_key is the name casefolded: the same comparison as the oracle's.
    return {"name_key": contains(text.strip().casefold())}


def _groups(tenant: str, group_ids: Collection[str]) -> Filter:
    return one_of("_id", sorted(doc_id(tenant, g) for g in group_ids))


def _member_count(query: GroupSearch) -> Filter | None:
    bounds = {
        operator: value
        for operator, value in (
            ("$eq", query.members_eq),
            ("$gt", query.members_gt),
            ("$lt", query.members_lt),
        )
        if value is not None
    }
    return {"member_count": bounds} if bounds else None


class MongoGroupSearch:
    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], users: MongoUsers, numbers: MongoNumberFacts
    ) -> None:
        self.groups = db["groups"]
        self.users = users
        self.numbers = numbers

    async def find(
        self, tenant: str, query: GroupSearch, *, skip: int, limit: int
    ) -> tuple[list[Group], int]:
        selected = group_filter(tenant, await self.resolve(tenant, query))
        order = self._order(tenant, query)
        found, total = await page_in_order(
            self.groups, selected, order, skip=skip, limit=limit, projection=VISIBLE
        )
        return [to_group(d) for d in found], total

    async def resolve(self, tenant: str, query: GroupSearch) -> Resolved:
        """The request with each text filter's users and groups found."""
        return Resolved(
            query,
            anywhere=await self._found(tenant, query.q, query.q) if query.q is not None else None,
            owner=await self._found(tenant, query.owner, None) if query.owner is not None else None,
            member=await self._found(tenant, query.member, None) if query.member is not None else None,
            number=await self._found(tenant, None, query.number) if query.number is not None else None,
        )

    async def _found(self, tenant: str, name: str | None, number: str | None) -> Found:
        return Found(
            users=frozenset(await self.users.named(tenant, name) if name is not None else ()),
            groups=frozenset(await self._showing(tenant, number) if number is not None else ()),
        )

    async def _showing(self, tenant: str, text: str) -> set[str]:
        """The groups whose shown numbers contain ``text``: those holding such a number, and those
        whose request for one is pending or was refused."""
        needle = number_needle(text)
        showing = await self.numbers.groups_holding(tenant, needle)
        asked = {
            group: requests
            for group, requests in (await self._asking_for(tenant, needle)).items()
            if group not in showing
        }
        outcomes = await self.numbers.outcomes(
            (r.number, r.correlation_id) for requests in asked.values() for r in requests
        )
        # Not held (or the group would be found already): what the request alone shows.
        showing |= {
            group
            for group, requests in asked.items()
            if any(number_contains(e.number, text) for e in entries(requests, (), outcomes))
        }
        return showing

    async def _asking_for(self, tenant: str, needle: str) -> dict[str, list[NumberRequest]]:
        """The requests of the tenant's live groups that have one for a number containing ``needle``."""
        query = {"tenant": tenant, "deleted": False, "requests.number": contains(needle)}
        return {
            d["group_id"]: [NumberRequest.model_validate(r) for r in d["requests"]]
            async for d in self.groups.find(query, {"group_id": 1, "requests": 1})
        }

    def _order(self, tenant: str, query: GroupSearch) -> Sort | ByName:
        field, descending = query.sort.lstrip("-"), query.sort.startswith("-")
        way = direction(descending)
        match field:
            case "owner":
                return ByName(
                    "owner_user_id", lambda ids: self.owner_names(tenant, ids), descending, then=TIES
                )
            case "members":
                return [("member_count", way), *((f, way) for f in TIES)]
            case "created_at":
                return [("created_at", way), *((f, way) for f in TIES)]
        return [(f, way) for f in TIES]

    async def owner_names(self, tenant: str, user_ids: Collection[str]) -> Mapping[str, str | None]:
        """The names a group row shows for these users: their display names."""
        users = await self.users.get_many(tenant, user_ids)
        return {user_id: user.display_name for user_id, user in users.items()}
