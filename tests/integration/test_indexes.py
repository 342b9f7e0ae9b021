"""Each service's declared indexes exist on the real database once it has started."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from textbus.assignments.adapters.indexes import INDEXES as ASSIGNMENTS_INDEXES
from textbus.assignments.bootstrap import bootstrap as assignments
from textbus.kit.mongo import Index
from textbus.kit.service import Service, running
from textbus.kit.settings import ServiceSettings
from textbus.numbers.adapters.indexes import INDEXES as NUMBERS_INDEXES
from textbus.numbers.bootstrap import bootstrap as numbers


@pytest.mark.parametrize(
    ("name", "bootstrap", "declared"),
    [("numbers", numbers, NUMBERS_INDEXES), ("assignments", assignments, ASSIGNMENTS_INDEXES)],
)
async def test_a_started_service_has_created_every_index_it_declares(
    settings_for: Callable[[str], ServiceSettings],
    mongo: AsyncMongoClient[dict[str, Any]],
    name: str,
    bootstrap: Callable[[ServiceSettings], Service],
    declared: tuple[Index, ...],
) -> None:
    settings = settings_for(name)
    async with running(bootstrap(settings)):
        db = mongo[settings.database_name]
        created = {
            (collection, tuple(key for key, _ in spec["key"]))
            for collection in {index.collection for index in declared}
            for spec in (await db[collection].index_information()).values()
        }
    assert {(index.collection, index.keys) for index in declared} <= created


async def test_indexes_and_collections_a_former_release_kept_are_dropped_at_start_up(
    settings_for: Callable[[str], ServiceSettings], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    settings = settings_for("numbers")
    db = mongo[settings.database_name]
    # What the release before searches queried the numbers collection left behind.
    await db["number_shelves"].insert_one({"_id": "acme/00/00", "rows": ""})
    await db["numbers"].create_index([("tenant", 1), ("registration", 1), ("former", 1)])
    async with running(numbers(settings)):
        names = await db.list_collection_names()
        keys = [
            tuple(k for k, _ in spec["key"]) for spec in (await db["numbers"].index_information()).values()
        ]
    assert "number_shelves" not in names
    assert ("tenant", "registration", "former") not in keys
    assert {index.keys for index in NUMBERS_INDEXES if index.collection == "numbers"} <= {*keys}
