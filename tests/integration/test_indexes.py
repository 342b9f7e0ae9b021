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
