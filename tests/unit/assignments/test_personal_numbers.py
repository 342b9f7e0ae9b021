from datetime import UTC, datetime

import pytest

from textbus.assignments.domain import personal_numbers
from textbus.assignments.domain.number_requests import NumberEntry

pytestmark = pytest.mark.unit

AT = datetime(2025, 1, 1, tzinfo=UTC)
N1 = "+14155550101"


def current(state: str) -> dict[str, NumberEntry]:
    return {N1: NumberEntry.model_validate({"number": N1, "state": state, "correlation_id": "c0"})}


def test_assigning_asks_the_numbers_service_with_replace_to_change_the_assignee() -> None:
    change = personal_numbers.assign([], {}, N1, replace=True, correlation_id="c1", requested_by="a", at=AT)

    assert change.command is not None
    assert (change.command.action, change.command.replace, change.command.correlation_id) == (
        "assign",
        True,
        "c1",
    )
    assert change.requests == [change.command]


def test_a_number_the_user_has_or_is_getting_is_not_asked_for_again() -> None:
    for state in ("assigned", "pending"):
        change = personal_numbers.assign(
            [], current(state), N1, replace=False, correlation_id="c1", requested_by="a", at=AT
        )
        assert change.command is None


def test_unassigning_a_refused_number_forgets_it_and_an_assigned_one_is_unassigned() -> None:
    forgotten = personal_numbers.unassign(
        [], current("refused"), N1, correlation_id="c1", requested_by="a", at=AT
    )
    unassigned = personal_numbers.unassign(
        [], current("assigned"), N1, correlation_id="c1", requested_by="a", at=AT
    )

    assert (forgotten.command, forgotten.requests) == (None, [])
    assert unassigned.command is not None and unassigned.command.action == "unassign"


def test_unassigning_a_number_the_user_does_not_have_is_refused() -> None:
    with pytest.raises(personal_numbers.NotHeld):
        personal_numbers.unassign([], {}, N1, correlation_id="c1", requested_by="a", at=AT)
