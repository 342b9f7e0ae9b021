"""The catalog's query over the real database selects and orders exactly what the pure selection
module (the oracle) does: random inventories, random queries, the same pages, totals and exports.

Each inventory is written as the service writes it (number documents from ``to_document``, read
models as their events leave them), with what makes searches hard: names of one spelling in other
cases, assignees and profiles no longer known, numbers of another tenant, deleted tombstones.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from textbus.kit.mongo import create_indexes
from textbus.numbers.adapters.catalog import MongoCatalog
from textbus.numbers.adapters.indexes import INDEXES
from textbus.numbers.adapters.numbers_store import to_document
from textbus.numbers.adapters.read_models import ReadModels, assignee_id, profile_id
from textbus.numbers.domain.numbers import Assignee, NumberRecord
from textbus.numbers.service.queries import NumberFilter, ServicesFilter, SortedFilter, SortKey
from textbus.numbers.service.selection import Names, Selection
from textbus.search import text_contains

pytestmark = pytest.mark.integration

TENANT, OTHER = "acme", "globex"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 1, tzinfo=UTC)
INVENTORIES = 4
QUERIES = 60
# Names that collide in other cases, share parts, and carry accents and punctuation.
NAMES = ["Ann Lee", "ann lee", "Annabel", "Bo", "Front Desk", "front office", "Zoë", "Lee-Ann", "O'Hara"]
CARRIERS = ["Twilio", "Telnyx", "Bandwidth", "voip.ms"]


@dataclass
class Inventory:
    records: list[NumberRecord]
    assignee_names: dict[str, str]  # kind/id of the known assignees -> name
    profiles: dict[str, tuple[str, str]]  # id of the known profiles -> (name, carrier)


def _record(
    rng: random.Random, tenant: str, number: str, keys: list[str], profiles: list[str]
) -> NumberRecord:
    key = rng.choice([None, *keys])
    kind, _, id_ = key.partition("/") if key else ("", "", "")
    created = T0 + timedelta(minutes=rng.randrange(0, 10_000))
    return NumberRecord(
        number=number,
        tenant=tenant,
        sms_capable=rng.random() < 0.8,
        carrier_profile_id=rng.choice([None, *profiles]),
        assignee=Assignee(kind=kind, id=id_) if key else None,  # type: ignore[arg-type]
        registration=rng.choice(["registered", "unregistered"]),
        lifecycle=rng.choice(["active", "active", "released"]),
        created_at=created,
        # Repeated times, so that the number must break ties.
        updated_at=created + timedelta(hours=rng.choice([0, 1, 1, 2])),
    )


async def _write(db: AsyncDatabase[dict[str, Any]], rng: random.Random) -> Inventory:
    """An inventory of the tenant's and another tenant's numbers, and what the read models know."""
    keys = [f"{kind}/{kind[0]}{i}" for kind in ("user", "group") for i in range(6)]
    profiles = [f"p{i}" for i in range(5)]
    known_keys = {k: rng.choice(NAMES) for k in keys if rng.random() < 0.8}
    known_profiles = {p: (rng.choice(NAMES), rng.choice(CARRIERS)) for p in profiles if rng.random() < 0.8}
    area_codes = ["212", "415", "646"]
    numbers = rng.sample(
        [f"+1{a}555{n:04d}" for a in area_codes for n in range(0, 10_000, 37)], rng.randrange(40, 160)
    )
    split = len(numbers) * 3 // 4
    records = [_record(rng, TENANT, n, keys, profiles) for n in numbers[:split]]
    others = [_record(rng, OTHER, n, keys, profiles) for n in numbers[split:]]
    documents = [{"_id": r.number, **to_document(r)} for r in records + others]
    # Deleted numbers stay as tombstones: never found.
    for document in rng.sample(documents, len(documents) // 10):
        document.update(deleted=True, assignee=None, assignee_key=None)
    await db["numbers"].insert_many(documents)
    for tenant in (TENANT, OTHER):
        await db["assignees"].insert_many(
            [
                {
                    "_id": assignee_id(tenant, *key.split("/")),
                    "tenant": tenant,
                    "name": known_keys.get(key, "Gone"),
                    "exists": key in known_keys,
                }
                for key in keys
            ]
        )
        await db["carrier_profiles"].insert_many(
            [
                {
                    "_id": profile_id(tenant, p),
                    "tenant": tenant,
                    "profile_id": p,
                    "name": known_profiles.get(p, ("Gone", "Gone"))[0],
                    "carrier": known_profiles.get(p, ("Gone", "Gone"))[1],
                    "exists": p in known_profiles,
                }
                for p in profiles
            ]
        )
    deleted = {d["_id"] for d in documents if d["deleted"]}
    return Inventory(
        records=[r for r in records if r.number not in deleted],
        assignee_names=known_keys,
        profiles=known_profiles,
    )


def _fragment(rng: random.Random, inventory: Inventory) -> str:
    """What someone types: part of a number in some format, part of a name, or anything."""
    number = rng.choice(inventory.records).number if inventory.records else "+12125550000"
    start = rng.randrange(1, len(number) - 3)
    digits = number[start : start + rng.randrange(3, 7)]
    named = rng.choice(NAMES + CARRIERS)
    cut = rng.randrange(0, max(1, len(named) - 2))
    return rng.choice(
        [
            digits,
            f"({digits[:3]}) {digits[3:]}",
            "-".join(digits),
            f"+{number[1:4]} {number[4:7]}",
            named[cut : cut + rng.randrange(2, 5)].upper(),
            f"  {named[cut:]}  ",
            rng.choice(string.ascii_letters) * rng.randrange(1, 3),
            "+1",
            "55",
        ]
    )


def _query(rng: random.Random, inventory: Inventory) -> SortedFilter:
    def maybe(make: Callable[[], Any]) -> Any:
        return make() if rng.random() < 0.3 else None

    return SortedFilter(
        q=maybe(lambda: _fragment(rng, inventory)),
        number=maybe(lambda: _fragment(rng, inventory)),
        assignee=maybe(lambda: _fragment(rng, inventory)),
        carrier=maybe(lambda: _fragment(rng, inventory)),
        services=rng.sample(list(ServicesFilter), rng.choice([0, 0, 1, 2])),
        lifecycle=maybe(lambda: rng.choice(["active", "released"])),
        sort=rng.choice(get_args(SortKey)),
    )


def _oracle(inventory: Inventory, query: SortedFilter) -> list[str]:
    """What the selection module selects, with the names resolved as a reader reads them."""

    def names(assignee: str | None, carrier: str | None) -> Names:
        return Names(
            assignees=frozenset(
                k for k, n in inventory.assignee_names.items() if assignee and text_contains(n, assignee)
            ),
            profiles=frozenset(
                p
                for p, (name, kind) in inventory.profiles.items()
                if carrier and (text_contains(name, carrier) or text_contains(kind, carrier))
            ),
        )

    selection = Selection(
        NumberFilter(**query.model_dump(exclude={"sort"})),
        anywhere=names(query.q, query.q) if query.q else None,
        assignee=names(query.assignee, None) if query.assignee else None,
        carrier=names(None, query.carrier) if query.carrier else None,
        sort=query.sort,
    )
    shown = (
        inventory.assignee_names
        if query.sort.lstrip("-") == "assignee"
        else {p: name for p, (name, _) in inventory.profiles.items()}
    )
    return [r.number for r in selection.sorted((r for r in inventory.records if selection.selects(r)), shown)]


@pytest.mark.parametrize("seed", range(INVENTORIES))
async def test_the_query_returns_the_oracles_pages_totals_and_exports(
    scratch_db: AsyncDatabase[dict[str, Any]], seed: int
) -> None:
    rng = random.Random(seed)
    await create_indexes(scratch_db, INDEXES)
    inventory = await _write(scratch_db, rng)
    catalog = MongoCatalog(scratch_db, ReadModels(scratch_db))
    for attempt in range(QUERIES):
        query = _query(rng, inventory)
        expected = _oracle(inventory, query)
        skip, limit = rng.randrange(0, len(expected) + 3), rng.randrange(1, 40)
        page, total = await catalog.page(TENANT, query, NOW, skip=skip, limit=limit)
        where = f"seed {seed}, query {attempt}: {query.model_dump(exclude_defaults=True)}, skip {skip}"
        assert total == len(expected), where
        assert [v.number for v in page] == expected[skip : skip + limit], where
        if attempt % 10 == 0:
            exported = [v.number async for batch in catalog.stream(TENANT, query, NOW) for v in batch]
            assert exported == expected, where
            selected = [d["_id"] for d in await catalog.matching(TENANT, query)]
            assert selected == sorted(expected), where
