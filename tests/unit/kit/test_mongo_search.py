"""The kit's search vocabulary: criteria combined, and the order of names kept elsewhere."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import pytest

from textbus.kit.mongo_search import ByName, all_of, any_of, contains

pytestmark = pytest.mark.unit


def test_criteria_combine_and_absent_ones_are_left_out() -> None:
    assert all_of(None, {}) == {}
    assert all_of({"a": 1}, None) == {"a": 1}
    assert all_of({"a": 1}, {"b": 2}) == {"$and": [{"a": 1}, {"b": 2}]}
    assert any_of() == {"_id": {"$in": []}}
    assert any_of({"a": 1}, {"b": 2}) == {"$or": [{"a": 1}, {"b": 2}]}


def test_contains_matches_the_text_literally_in_any_case() -> None:
    assert contains("a.b (c)") == {"$regex": r"a\.b\ \(c\)", "$options": "i"}


NAMES = {"u1": "ann", "u2": "Ann", "u3": "Bo", "u4": None}


async def names_of(keys: Collection[Any]) -> Mapping[Any, str | None]:
    return {k: NAMES[k] for k in keys if k in NAMES}


async def test_keys_group_by_name_in_any_case_without_a_name_first() -> None:
    counts = {"u3": 1, "u1": 2, None: 4, "u2": 3, "u4": 5, "gone": 6}
    assert await ByName("key", names_of).groups(counts) == [
        ([None, "u4", "gone"], 15),
        (["u1", "u2"], 5),
        (["u3"], 1),
    ]
    descending = ByName("key", names_of, descending=True)
    assert [keys for keys, _ in await descending.groups(counts)] == [
        ["u3"],
        ["u1", "u2"],
        [None, "u4", "gone"],
    ]
    assert descending.sort == [("_id", -1)]
