"""Which numbers a query selects and in what order (the oracle of the catalog's query)."""

from datetime import UTC, datetime, timedelta

import pytest

from textbus.numbers.domain.numbers import Assignee, NumberRecord
from textbus.numbers.service.queries import NumberFilter, ServicesFilter
from textbus.numbers.service.selection import Names, Selection

pytestmark = pytest.mark.unit

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def record(
    number: str,
    *,
    sms: bool = True,
    assignee: Assignee | None = None,
    profile: str | None = None,
    lifecycle: str = "active",
    created: int = 0,
) -> NumberRecord:
    return NumberRecord(
        number=number,
        tenant="acme",
        sms_capable=sms,
        carrier_profile_id=profile,
        assignee=assignee,
        registration="unregistered",
        lifecycle=lifecycle,  # type: ignore[arg-type]
        created_at=T0 + timedelta(days=created),
        updated_at=T0,
    )


ANN = Assignee(kind="user", id="u-ann")
SALES = Assignee(kind="group", id="g-sales")
INVENTORY = [
    record("+12124001000", assignee=ANN, profile="p-att", created=3),
    record("+12124001001", sms=False, created=1),
    record("+13105550000", assignee=SALES, created=2),
    record("+13105550001", profile="p-tmo", lifecycle="released"),
]


NAMES = {"user/u-ann": "ann", "group/g-sales": "Sales", "p-att": "AT&T", "p-tmo": "T-Mobile"}


def selected(selection: Selection) -> list[str]:
    return [r.number for r in selection.sorted((r for r in INVENTORY if selection.selects(r)), NAMES)]


def test_the_quick_search_finds_a_number_an_assignee_or_a_carrier() -> None:
    by_name = Names(assignees=frozenset({"user/u-ann"}), profiles=frozenset({"p-tmo"}))
    assert selected(Selection(NumberFilter(q="Ann"), anywhere=by_name)) == ["+12124001000", "+13105550001"]
    assert selected(Selection(NumberFilter(q="310 555"), anywhere=Names())) == [
        "+13105550000",
        "+13105550001",
    ]


def test_column_filters_combine_with_and() -> None:
    query = NumberFilter(number="212", carrier="AT&T")
    assert selected(Selection(query, carrier=Names(profiles=frozenset({"p-att"})))) == ["+12124001000"]
    nobody = Selection(NumberFilter(number="212", assignee="Zed"), assignee=Names())
    assert selected(nobody) == []


def test_the_services_filter_selects_any_of_its_groups() -> None:
    unassigned_or_group = NumberFilter(services=[ServicesFilter.UNASSIGNED, ServicesFilter.GROUP])
    assert selected(Selection(unassigned_or_group)) == ["+13105550000", "+13105550001"]
    assert selected(Selection(NumberFilter(services=[ServicesFilter.NOT_CAPABLE]))) == ["+12124001001"]
    assert selected(Selection(NumberFilter(services=[ServicesFilter.USER]))) == ["+12124001000"]


def test_lifecycle_filter() -> None:
    assert selected(Selection(NumberFilter(lifecycle="released"))) == ["+13105550001"]


def test_sorting_puts_missing_values_first_ascending_and_last_descending() -> None:
    # By the names shown, in any case: "ann" before "Sales".
    assert selected(Selection(NumberFilter(), sort="assignee")) == [
        "+12124001001",
        "+13105550001",
        "+12124001000",
        "+13105550000",
    ]
    assert selected(Selection(NumberFilter(), sort="-carrier"))[:2] == ["+13105550001", "+12124001000"]
    assert selected(Selection(NumberFilter(), sort="-created_at")) == [
        "+12124001000",
        "+13105550000",
        "+12124001001",
        "+13105550001",
    ]


def test_an_assignee_or_profile_without_a_name_shown_sorts_as_a_missing_value() -> None:
    unnamed = Selection(NumberFilter(), sort="assignee")
    assert [r.number for r in unnamed.sorted(INVENTORY, {"group/g-sales": "Sales"})] == [
        "+12124001000",
        "+12124001001",
        "+13105550001",
        "+13105550000",
    ]
