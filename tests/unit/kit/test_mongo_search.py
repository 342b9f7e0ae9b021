"""The kit's search vocabulary: criteria combined, and the order of names kept elsewhere."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, cast

import pytest

from textbus.kit.mongo_search import ByName, all_of, any_of, contains, page_in_order

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


class Cursor:
    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self.documents = documents

    def sort(self, keys: list[tuple[str, int]]) -> Cursor:
        for field, way in reversed(keys):
            self.documents.sort(key=lambda d: d[field], reverse=way < 0)
        return self

    def skip(self, count: int) -> Cursor:
        self.documents = self.documents[count:]
        return self

    def limit(self, count: int) -> Cursor:
        self.documents = self.documents[:count]
        return self

    async def to_list(self) -> list[dict[str, Any]]:
        return self.documents

    async def __aiter__(self) -> Any:
        for document in self.documents:
            yield document


class FakeCollection:
    """The few collection calls the page functions make, over documents matched by equality and $in."""

    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self.documents = documents

    def _matching(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        criteria = query.get("$and", [query])

        def matches(document: dict[str, Any], criterion: dict[str, Any]) -> bool:
            return all(
                document.get(f) in v["$in"] if isinstance(v, dict) else document.get(f) == v
                for f, v in criterion.items()
            )

        return [d for d in self.documents if all(matches(d, c) for c in criteria)]

    async def count_documents(self, query: dict[str, Any]) -> int:
        return len(self._matching(query))

    def find(self, query: dict[str, Any], projection: Any = None) -> Cursor:
        return Cursor(self._matching(query))

    async def aggregate(self, pipeline: list[dict[str, Any]]) -> Cursor:
        field = pipeline[1]["$group"]["_id"].removeprefix("$")
        counts: dict[Any, int] = {}
        for document in self._matching(pipeline[0]["$match"]):
            counts[document.get(field)] = counts.get(document.get(field), 0) + 1
        return Cursor([{"_id": k, "count": c} for k, c in counts.items()])


DOCUMENTS = [{"_id": i, "tenant": "t", "key": key} for i, key in enumerate(["u3", "u1", "u2", "u1", "u3"])]


async def test_a_page_in_order_is_a_sorted_page_or_a_page_by_name_with_the_total() -> None:
    documents = FakeCollection(DOCUMENTS)
    query = {"tenant": "t"}

    sorted_page = await page_in_order(cast(Any, documents), query, [("_id", -1)], skip=1, limit=2)
    by_name = await page_in_order(cast(Any, documents), query, ByName("key", names_of), skip=1, limit=3)

    assert sorted_page == ([DOCUMENTS[3], DOCUMENTS[2]], 5)
    # ann (u1, u2: 1, 2, 3), then Bo (u3: 0, 4).
    assert ([d["_id"] for d in by_name[0]], by_name[1]) == ([2, 3, 0], 5)
