"""Shelves: what a search reads of a tenant's numbers."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from textbus.kit.settings import ServiceSettings
from textbus.numbers.adapters.numbers_store import to_document
from textbus.numbers.adapters.shelves import MongoShelves
from textbus.numbers.domain.numbers import Assignee, NumberRecord

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def stored(number: str, tenant: str = "acme", *, deleted: bool = False) -> dict[str, Any]:
    record = NumberRecord(
        number=number,
        tenant=tenant,
        sms_capable=True,
        carrier_profile_id="p1",
        assignee=Assignee(kind="user", id="u1"),
        registration="registered",
        lifecycle="active",
        created_at=NOW,
        updated_at=NOW,
    )
    return {"_id": number, **to_document(record), "deleted": deleted}


async def test_numbers_go_on_and_come_off_their_tenants_shelves(
    settings_for: Callable[[str], ServiceSettings], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    db = mongo[settings_for("numbers").database_name]
    shelves = MongoShelves(db)
    numbers = [f"+1212555{i:04d}" for i in range(300)]

    await shelves.put([stored(n) for n in numbers] + [stored("+13105550000", tenant="other")])
    await shelves.put([stored(numbers[0], deleted=True)])

    records = await shelves.records("acme")
    assert sorted(r.number for r in records) == numbers[1:]
    assert records[0].assignee == Assignee(kind="user", id="u1")
    assert records[0].created_at == NOW
    assert [r.number for r in await shelves.records("other")] == ["+13105550000"]


async def test_a_database_from_before_the_shelves_is_shelved_once_at_start(
    settings_for: Callable[[str], ServiceSettings], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    db = mongo[settings_for("numbers").database_name]
    await db["numbers"].insert_many([stored("+12125550001"), stored("+12125550002", deleted=True)])
    shelves = MongoShelves(db)

    await shelves.stock_if_empty()
    await db["numbers"].insert_one(stored("+12125550003"))
    await shelves.stock_if_empty()  # shelves exist now: nothing is redone

    assert [r.number for r in await shelves.records("acme")] == ["+12125550001"]


async def test_a_number_deleted_and_added_by_another_tenant_moves_shelves(
    settings_for: Callable[[str], ServiceSettings], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    db = mongo[settings_for("numbers").database_name]
    shelves = MongoShelves(db)
    await db["numbers"].insert_one(stored("+12125550001"))
    await shelves.refresh([("+12125550001", "acme")])

    # In one batch: acme deletes it, then another enterprise adds it.
    await db["numbers"].replace_one({"_id": "+12125550001"}, stored("+12125550001", tenant="other"))
    await shelves.refresh([("+12125550001", "acme"), ("+12125550001", "other")])

    assert await shelves.records("acme") == []
    assert [r.number for r in await shelves.records("other")] == ["+12125550001"]
