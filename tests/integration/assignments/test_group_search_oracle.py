"""The groups search over the real database selects and orders exactly what the pure search module
(the oracle, domain/group_search.py) does: random groups, users and numbers, random queries, the
same pages and totals.

Each tenant is written as the service writes it (group documents from ``to_document``, users and
the numbers read model as their writers leave them, the numbers service's answers as outcomes),
with what makes searches hard: names of one spelling in other cases, users the service has no
record of, another tenant's users of the same ids, deleted groups, numbers held without a request,
requests pending, refused, applied or moved elsewhere, and creation times that tie.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast, get_args

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from textbus.assignments.adapters.documents import doc_id
from textbus.assignments.adapters.group_search import MongoGroupSearch
from textbus.assignments.adapters.groups import to_document
from textbus.assignments.adapters.indexes import INDEXES
from textbus.assignments.adapters.numbers import MongoNumberFacts
from textbus.assignments.adapters.revisions import Revisions
from textbus.assignments.adapters.users import MongoUsers
from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.group_search import GroupRow, GroupSearch, Person, SortKey, search
from textbus.assignments.domain.groups import Group
from textbus.assignments.domain.number_requests import NumberRequest, Outcome, entries
from textbus.assignments.domain.numbers import NumberFact
from textbus.assignments.domain.users import User
from textbus.kit.clock import utc_now
from textbus.kit.mongo import create_indexes
from textbus.kit.outbox import Outbox

pytestmark = pytest.mark.integration

TENANT, OTHER = "acme", "globex"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
TENANTS = 4
QUERIES = 80
# Names that collide in other cases, share parts, and carry accents and punctuation.
PEOPLE = ["Ann Lee", "ann lee", "Annabel", "Bo", "Lee-Ann", "O'Hara", "Zoë", "Émile Roux", "bob"]
GROUPS = ["Sales", "sales desk", "Front Desk", "Support", "Zoë's team", "O'Hara & co", "Night (1)"]
USER_IDS = [f"u{i}" for i in range(10)]


@dataclass
class Tenant:
    groups: list[Group]
    users: dict[str, User]
    held: dict[str, list[str]]  # group id -> the numbers the read model says it holds
    outcomes: dict[tuple[str, str], Outcome]

    def rows(self) -> list[GroupRow]:
        """The rows the groups table shows: what find_groups makes views of."""

        def person(user_id: str) -> Person:
            user = self.users.get(user_id)
            return (
                Person(display_name=user.display_name, sign_in_name=user.sign_in_name) if user else Person()
            )

        return [
            GroupRow(
                group_id=g.group_id,
                name=g.name,
                owner=person(g.owner_user_id),
                members=tuple(person(m) for m in g.member_user_ids),
                member_count=len(g.member_user_ids),
                numbers=tuple(
                    e.number for e in entries(g.requests, self.held.get(g.group_id, []), self.outcomes)
                ),
                created_at=g.created_at,
            )
            for g in self.groups
        ]


def _numbers(rng: random.Random) -> list[str]:
    return rng.sample([f"+1{a}555{n:04d}" for a in ("212", "415", "646") for n in range(0, 10_000, 53)], 150)


def _users(rng: random.Random, tenant: str) -> dict[str, User]:
    """Most of the ids have a user; the rest are unknown here."""
    users = {}
    for user_id in USER_IDS:
        if rng.random() < 0.85:
            display = rng.choice(PEOPLE)
            users[user_id] = User(
                tenant=tenant,
                user_id=user_id,
                display_name=display,
                sign_in_name=f"{display.split()[0].lower()}.{user_id}@{tenant}.test",
                enabled=rng.random() < 0.9,
                updated_at=T0,
            )
    return users


def _group(rng: random.Random, tenant: str, index: int, numbers: list[str]) -> Group:
    base = rng.choice(GROUPS)
    name = rng.choice([base, base.upper(), base.lower()])
    requests = [
        NumberRequest(
            number=number,
            action=rng.choice(["assign", "assign", "unassign"]),
            correlation_id=f"op{index}-{number[-4:]}",
            requested_by="admin",
            requested_at=T0,
        )
        for number in rng.sample(numbers, rng.choice([0, 0, 1, 2, 4]))
    ]
    # Whole seconds, few of them: creation times tie, and the database keeps milliseconds.
    created = T0 + timedelta(seconds=rng.randrange(0, 6))
    return Group(
        tenant=tenant,
        group_id=f"g{index:02d}",
        name=f"{name} {index}",  # unique in the tenant, as the service keeps names
        owner_user_id=rng.choice(USER_IDS),
        member_user_ids=tuple(rng.sample(USER_IDS, rng.choice([0, 1, 1, 2, 3, 6, 10]))),
        requests=tuple(requests),
        deleted=rng.random() < 0.1,
        created_at=created,
        updated_at=created,
    )


async def _write(db: AsyncDatabase[dict[str, Any]], rng: random.Random) -> Tenant:
    """The tenant's groups, users, numbers and outcomes, and another tenant's of the same ids."""
    numbers = _numbers(rng)
    tenants: dict[str, Tenant] = {}
    for tenant, own in ((TENANT, numbers[:110]), (OTHER, numbers[110:])):
        groups = [_group(rng, tenant, i, own) for i in range(rng.randrange(20, 60))]
        users = _users(rng, tenant)
        held: dict[str, list[str]] = {}
        facts = []
        for number in own:
            owner: Literal["user", "group"] | None = rng.choice([None, None, None, "user", "group", "group"])
            holder = rng.choice(groups).group_id if owner == "group" else "u1"
            if owner == "group":
                held.setdefault(holder, []).append(number)
            assignee = Assignee(kind=owner, id=holder) if owner else None
            fact = NumberFact(
                number=number,
                tenant=tenant,
                assignee=assignee,
                sms_capable=True,
                lifecycle="active",
                updated_at=T0,
            )
            facts.append({"_id": number, **fact.model_dump()})
        outcomes = {}
        for group in groups:
            for request in group.requests:
                applied = rng.choice([None, True, False])
                if applied is not None:
                    outcomes[(request.number, request.correlation_id)] = Outcome(
                        number=request.number,
                        correlation_id=request.correlation_id,
                        applied=applied,
                        code=None if applied else "not-found",
                    )
        await db["groups"].insert_many(
            [{"_id": doc_id(tenant, g.group_id), **to_document(g)} for g in groups]
        )
        if users:
            await db["users"].insert_many(
                [{"_id": doc_id(tenant, u), **user.model_dump()} for u, user in users.items()]
            )
        await db["numbers"].insert_many(facts)
        if outcomes:
            await db["command_outcomes"].insert_many(
                [{"_id": f"{n}/{c}", **o.model_dump(), "recorded_at": T0} for (n, c), o in outcomes.items()]
            )
        tenants[tenant] = Tenant([g for g in groups if not g.deleted], users, held, outcomes)
    return tenants[TENANT]


def _fragment(rng: random.Random, tenant: Tenant, column: str) -> str:
    """What someone types in a column (or the quick search: any of them): part of a number in some
    format, part of a name, a count, or anything."""
    asked = [r.number for g in tenant.groups for r in g.requests]
    held = [n for numbers in tenant.held.values() for n in numbers]
    number = rng.choice(asked + held if asked + held and rng.random() < 0.8 else _numbers(rng))
    start = rng.randrange(1, len(number) - 3)
    digits = number[start : start + rng.randrange(3, 7)]
    user = rng.choice(list(tenant.users.values())) if tenant.users else None
    people = [*PEOPLE, *((user.sign_in_name, f"{user.display_name} {user.sign_in_name}") if user else ())]
    named = rng.choice({"name": GROUPS, "person": people}.get(column, [*GROUPS, *people]))
    cut = rng.randrange(0, max(1, len(named) - 2))
    numbers = [digits, f"({digits[:3]}) {digits[3:]}", "-".join(digits), f"+{number[1:4]} {number[4:7]}"]
    names = [named[cut : cut + rng.randrange(2, 6)].upper(), f"  {named[cut:]}  ", named]
    anything = [
        rng.choice(string.ascii_letters) * rng.randrange(1, 3),
        str(rng.randrange(0, 12)),
        "+1",
        "55",
        "",
    ]
    typed: list[str] = {"number": numbers, "name": names, "person": names}.get(column, [*numbers, *names])
    return rng.choice(typed if rng.random() < 0.8 else anything)


def _query(rng: random.Random, tenant: Tenant) -> GroupSearch:
    def maybe(column: str) -> str | None:
        return _fragment(rng, tenant, column) if rng.random() < 0.25 else None

    def count(chance: float) -> int | None:
        return rng.randrange(0, 8) if rng.random() < chance else None

    return GroupSearch(
        q=maybe("any"),
        name=maybe("name"),
        owner=maybe("person"),
        number=maybe("number"),
        member=maybe("person"),
        members_eq=count(0.1),
        members_gt=count(0.15),
        members_lt=count(0.15),
        sort=rng.choice(get_args(SortKey)),
    )


@pytest.mark.parametrize("seed", range(TENANTS))
async def test_the_query_returns_the_oracles_pages_and_totals(
    scratch_db: AsyncDatabase[dict[str, Any]], seed: int
) -> None:
    rng = random.Random(seed)
    await create_indexes(scratch_db, INDEXES)
    tenant = await _write(scratch_db, rng)
    rows = tenant.rows()
    # The search only reads: nothing is queued, so the outbox never delivers.
    outbox = Outbox(cast(Any, None))
    revisions = Revisions(scratch_db, outbox, utc_now)
    finder = MongoGroupSearch(
        scratch_db, MongoUsers(scratch_db, revisions), MongoNumberFacts(scratch_db, outbox)
    )
    for attempt in range(QUERIES):
        query = _query(rng, tenant)
        expected, total = search(rows, query, skip=0, limit=len(rows) + 1)
        skip, limit = rng.randrange(0, total + 3), rng.randrange(1, 15)
        page, found = await finder.find(TENANT, query, skip=skip, limit=limit)
        where = f"seed {seed}, query {attempt}: {query.model_dump(exclude_defaults=True)}, skip {skip}"
        assert found == total, where
        assert [g.group_id for g in page] == [r.group_id for r in expected[skip : skip + limit]], where
