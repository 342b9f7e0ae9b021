from datetime import UTC, datetime

import pytest

from textbus.assignments.domain.number_requests import NumberRequest, Outcome, entries, kept

pytestmark = pytest.mark.unit

AT = datetime(2025, 1, 1, tzinfo=UTC)
N1, N2, N3 = "+14155550101", "+14155550102", "+14155550103"


def request(number: str, action: str = "assign", correlation_id: str = "c1") -> NumberRequest:
    return NumberRequest.model_validate(
        {
            "number": number,
            "action": action,
            "correlation_id": correlation_id,
            "requested_by": "admin",
            "requested_at": AT,
        }
    )


def states(requests: list[NumberRequest], held: list[str], outcomes: list[Outcome]) -> dict[str, str]:
    found = entries(requests, held, {(o.number, o.correlation_id): o for o in outcomes})
    return {e.number: e.state for e in found}


def test_a_number_asked_for_is_pending_until_the_numbers_service_answers() -> None:
    assert states([request(N1)], [], []) == {N1: "pending"}


def test_a_number_the_numbers_service_assigned_is_assigned() -> None:
    assert states([request(N1)], [N1], [Outcome(number=N1, correlation_id="c1", applied=True)]) == {
        N1: "assigned"
    }


def test_a_refused_number_shows_the_reason() -> None:
    refusal = Outcome(number=N1, correlation_id="c1", applied=False, code="already-assigned", detail="taken")

    [entry] = entries([request(N1)], [], {(N1, "c1"): refusal})

    assert (entry.state, entry.code, entry.detail) == ("refused", "already-assigned", "taken")


def test_an_answer_to_an_older_request_does_not_count() -> None:
    old_refusal = Outcome(number=N1, correlation_id="c0", applied=False, code="released", detail="")

    assert states([request(N1, correlation_id="c1")], [], [old_refusal]) == {N1: "pending"}


def test_a_number_assigned_from_elsewhere_is_shown_and_one_moved_away_is_not() -> None:
    applied = Outcome(number=N1, correlation_id="c1", applied=True)

    assert states([request(N1)], [N2], [applied]) == {N2: "assigned"}


def test_a_number_being_unassigned_is_unassigning_until_it_is_gone() -> None:
    unassign = request(N1, "unassign", "c2")

    assert states([unassign], [N1], []) == {N1: "unassigning"}
    assert states([unassign], [], [Outcome(number=N1, correlation_id="c2", applied=True)]) == {}


def test_only_requests_still_pending_refused_or_unassigning_are_kept() -> None:
    requests = [request(N1), request(N2), request(N3, "unassign", "c2")]
    outcomes = [Outcome(number=N2, correlation_id="c1", applied=False, code="released", detail="")]
    current = {
        e.number: e for e in entries(requests, [N3], {(o.number, o.correlation_id): o for o in outcomes})
    }

    assert [r.number for r in kept(requests, current)] == [N1, N2, N3]
    assert [
        r.number
        for r in kept(requests, {**current, N1: current[N1].model_copy(update={"state": "assigned"})})
    ] == [N2, N3]
