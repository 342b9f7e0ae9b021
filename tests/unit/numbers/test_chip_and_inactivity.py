"""The service chip a number shows, and when an idle number is flagged and released."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from textbus.numbers.domain.chip import ChipFacts, ChipState, Issue, ServiceChip, service_chip
from textbus.numbers.domain.lifecycle import add_months, inactivity

pytestmark = pytest.mark.unit

HEALTHY = ChipFacts(
    sms_capable=True,
    assigned=True,
    carrier_profile_id="p1",
    carrier_profile_exists=True,
    assignee_exists=True,
    assignee_enabled=True,
    domain_expired=False,
)


def chip(**facts: Any) -> ServiceChip:
    return service_chip(replace(HEALTHY, **facts))


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 30, tzinfo=UTC)


# The chip


def test_a_number_that_is_not_sms_capable_shows_only_that() -> None:
    assert chip(sms_capable=False, assigned=False, carrier_profile_id=None) == ServiceChip(
        ChipState.NOT_CAPABLE
    )


def test_a_capable_unassigned_number_shows_no_issues_even_without_a_profile() -> None:
    assert chip(assigned=False, carrier_profile_id=None) == ServiceChip(ChipState.UNASSIGNED)


def test_an_assigned_number_with_everything_in_place_is_assigned() -> None:
    assert chip() == ServiceChip(ChipState.ASSIGNED)


@pytest.mark.parametrize(
    ("facts", "issue"),
    [
        ({"carrier_profile_id": None, "carrier_profile_exists": False}, Issue.NO_CARRIER_PROFILE),
        ({"carrier_profile_exists": False}, Issue.CARRIER_PROFILE_MISSING),
        ({"assignee_exists": False, "assignee_enabled": False}, Issue.ASSIGNEE_MISSING),
        ({"assignee_enabled": False}, Issue.ASSIGNEE_DISABLED),
        ({"domain_expired": True}, Issue.DOMAIN_SUBSCRIPTION_EXPIRED),
    ],
)
def test_an_assigned_number_names_each_issue_it_has(facts: dict[str, bool | None], issue: Issue) -> None:
    assert chip(**facts) == ServiceChip(ChipState.ASSIGNED_WITH_ISSUES, (issue,))


def test_every_issue_is_named_at_once_in_a_stable_order() -> None:
    shown = chip(carrier_profile_exists=False, assignee_exists=False, domain_expired=True)

    assert shown.issues == (
        Issue.CARRIER_PROFILE_MISSING,
        Issue.ASSIGNEE_MISSING,
        Issue.DOMAIN_SUBSCRIPTION_EXPIRED,
    )


# Inactivity


def test_an_idle_number_is_flagged_at_five_months_and_due_for_release_at_six() -> None:
    last = at(2026, 1, 15)

    def idle(now: datetime) -> tuple[bool, bool]:
        state = inactivity(created_at=at(2025, 6, 1), last_activity_at=last, now=now)
        assert state.release_at == at(2026, 7, 15)
        return state.flagged, state.due

    assert idle(at(2026, 6, 15) - timedelta(seconds=1)) == (False, False)
    assert idle(at(2026, 6, 15)) == (True, False)
    assert idle(at(2026, 7, 15) - timedelta(seconds=1)) == (True, False)
    assert idle(at(2026, 7, 15)) == (True, True)


def test_a_number_that_never_had_activity_counts_from_the_day_it_was_added() -> None:
    state = inactivity(created_at=at(2026, 2, 10), last_activity_at=None, now=at(2026, 7, 10))

    assert (state.last_active_at, state.flagged, state.release_at) == (at(2026, 2, 10), True, at(2026, 8, 10))


def test_activity_before_the_number_was_added_does_not_count() -> None:
    state = inactivity(created_at=at(2026, 3, 1), last_activity_at=at(2026, 1, 1), now=at(2026, 3, 2))

    assert state.last_active_at == at(2026, 3, 1)


def test_a_month_without_the_day_ends_on_its_last_day() -> None:
    assert add_months(at(2026, 3, 31), 5) == at(2026, 8, 31)
    assert add_months(at(2026, 5, 31), 5) == at(2026, 10, 31)
    assert add_months(at(2026, 3, 31), 6) == at(2026, 9, 30)
    assert add_months(at(2026, 10, 31), 6) == at(2027, 4, 30)


def test_february_ends_on_the_28th_or_in_a_leap_year_the_29th() -> None:
    assert add_months(at(2026, 8, 31), 6) == at(2027, 2, 28)
    assert add_months(at(2027, 8, 31), 6) == at(2028, 2, 29)
    assert add_months(at(2027, 9, 30), 5) == at(2028, 2, 29)
    assert add_months(at(2028, 2, 29), 6) == at(2028, 8, 29)


def test_a_number_idle_since_the_31st_of_august_is_released_at_the_end_of_february() -> None:
    state = inactivity(created_at=at(2026, 1, 1), last_activity_at=at(2026, 8, 31), now=at(2027, 2, 28))

    assert (state.flagged, state.due, state.release_at) == (True, True, at(2027, 2, 28))
    assert not inactivity(
        created_at=at(2026, 1, 1), last_activity_at=at(2026, 8, 31), now=at(2027, 1, 30)
    ).flagged
    assert inactivity(
        created_at=at(2026, 1, 1), last_activity_at=at(2026, 8, 31), now=at(2027, 1, 31)
    ).flagged
