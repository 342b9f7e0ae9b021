from datetime import UTC, datetime

import pytest

from textbus.assignments.domain.group_search import (
    GroupRow,
    GroupSearch,
    Person,
    member_counts_containing,
    search,
)

pytestmark = pytest.mark.unit

AT = datetime(2025, 1, 1, tzinfo=UTC)


def person(display_name: str) -> Person:
    return Person(display_name=display_name, sign_in_name=f"{display_name.split()[0].lower()}@acme.test")


def row(group_id: str, name: str, owner: str, members: list[str], numbers: list[str]) -> GroupRow:
    return GroupRow(
        group_id=group_id,
        name=name,
        owner=person(owner),
        members=tuple(person(m) for m in members),
        member_count=len(members),
        numbers=tuple(numbers),
        created_at=AT,
    )


ROWS = [
    row("g1", "Sales", "Ann Lee", ["Bob", "Cy", "Dee"], ["+14155550101"]),
    row("g2", "Support", "Bob Roe", ["Ann"], ["+14155550202", "+14155550203"]),
    row("g3", "Front desk", "Cy Poe", [], []),
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


def test_a_person_is_found_by_the_display_name_or_the_sign_in_name_not_both_at_once() -> None:
    assert ids(owner="bob@acme") == ["g2"]
    assert ids(owner="roe") == ["g2"]
    assert ids(owner="Roe bob@") == []
    assert ids(member="dee@") == ["g1"]


def test_a_user_without_a_record_has_no_name_and_sorts_first_by_owner() -> None:
    unknown = GroupRow(
        group_id="g4",
        name="Zeta",
        owner=Person(),
        members=(Person(),),
        member_count=1,
        numbers=(),
        created_at=AT,
    )
    page, _ = search([*ROWS, unknown], GroupSearch(sort="owner"), skip=0, limit=50)

    assert [r.group_id for r in page] == ["g4", "g1", "g2", "g3"]
    assert ids(member="") == ["g1", "g2"]


def test_ties_are_broken_by_the_group_name() -> None:
    page, _ = search(ROWS, GroupSearch(sort="-created_at"), skip=0, limit=50)

    assert [r.name for r in page] == ["Support", "Sales", "Front desk"]


def test_the_member_count_as_text_is_every_count_with_those_digits() -> None:
    assert member_counts_containing("1")[:4] == [1, 10, 11, 12]
    assert 21 in member_counts_containing("1")
    assert member_counts_containing("999") == [999]
    assert member_counts_containing(" 1000 ") == [1000]
