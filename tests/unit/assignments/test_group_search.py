from datetime import UTC, datetime

import pytest

from textbus.assignments.domain.group_search import GroupRow, GroupSearch, search

pytestmark = pytest.mark.unit

AT = datetime(2025, 1, 1, tzinfo=UTC)


def row(group_id: str, name: str, owner: str, members: list[str], numbers: list[str]) -> GroupRow:
    return GroupRow(
        group_id=group_id,
        name=name,
        owner=owner,
        member_names=tuple(members),
        member_count=len(members),
        numbers=tuple(numbers),
        created_at=AT,
    )


ROWS = [
    row("g1", "Sales", "Ann Lee ann@acme.test", ["Bob", "Cy", "Dee"], ["+14155550101"]),
    row("g2", "Support", "Bob Roe bob@acme.test", ["Ann"], ["+14155550202", "+14155550203"]),
    row("g3", "Front desk", "Cy Poe cy@acme.test", [], []),
]


def ids(**query: object) -> list[str]:
    page, _ = search(ROWS, GroupSearch.model_validate(query), skip=0, limit=50)
    return [r.group_id for r in page]


def test_the_quick_search_looks_at_every_column() -> None:
    assert ids(q="sup") == ["g2"]
    assert ids(q="ann") == ["g1", "g2"]
    assert ids(q="0203") == ["g2"]
    assert ids(q="3") == ["g1", "g2"]


def test_column_filters_all_have_to_match() -> None:
    assert ids(owner="bob", number="0202") == ["g2"]
    assert ids(owner="bob", number="0101") == []
    assert ids(name="DESK") == ["g3"]


def test_the_member_count_is_compared() -> None:
    assert ids(members_gt=0) == ["g1", "g2"]
    assert ids(members_lt=3) == ["g3", "g2"]
    assert ids(members_eq=1) == ["g2"]


def test_numbers_are_found_by_their_digits_as_typed() -> None:
    assert ids(number="(415) 555-0101") == ["g1"]


def test_sorting_and_pages_keep_the_total() -> None:
    page, total = search(ROWS, GroupSearch(sort="-members"), skip=1, limit=1)

    assert ([r.group_id for r in page], total) == (["g2"], 3)
