import itertools
from typing import get_args

import pytest

from textbus.carrier_gateway.domain.status import RANK, STATES, TERMINAL, State, advance, aggregate
from textbus.contracts.outbound.v1 import MessageState

pytestmark = pytest.mark.unit

RECEIPTS: tuple[State, ...] = ("sent", "delivered", "undelivered", "failed")


def apply(start: State, proposals: tuple[State, ...]) -> State:
    state = start
    for proposed in proposals:
        state = advance(state, proposed) or state
    return state


@pytest.mark.parametrize(
    ("current", "proposed", "expected"),
    [
        ("accepted", "queued", "queued"),
        ("accepted", "refused", "refused"),
        ("queued", "submitted", "submitted"),
        ("queued", "submit-unknown", "submit-unknown"),
        ("queued", "expired", "expired"),
        ("submitted", "sent", "sent"),
        ("submitted", "delivered", "delivered"),
        ("sent", "delivered", "delivered"),
        ("sent", "undelivered", "undelivered"),
        ("submitted", "failed", "failed"),
    ],
)
def test_a_message_moves_forward_along_its_life(current: State, proposed: State, expected: State) -> None:
    assert advance(current, proposed) == expected


@pytest.mark.parametrize(
    ("current", "proposed"),
    [
        ("sent", "submitted"),
        ("delivered", "sent"),
        ("sent", "sent"),
        ("submitted", "queued"),
        ("submitted", "submit-unknown"),
        ("submit-unknown", "queued"),
    ],
    ids=[
        "late submit answer",
        "late sent receipt",
        "duplicated receipt",
        "back to queue",
        "unknown after known",
        "unknown back to queue",
    ],
)
def test_a_late_or_repeated_report_changes_nothing(current: State, proposed: State) -> None:
    assert advance(current, proposed) is None


@pytest.mark.parametrize("receipt", RECEIPTS)
def test_a_receipt_moves_submit_unknown_forward_because_it_proves_the_carrier_took_it(receipt: State) -> None:
    assert advance("submit-unknown", receipt) == receipt


@pytest.mark.parametrize(("terminal", "proposed"), list(itertools.product(sorted(TERMINAL), STATES)))
def test_a_terminal_state_never_changes(terminal: State, proposed: State) -> None:
    assert advance(terminal, proposed) is None


@pytest.mark.parametrize(("current", "proposed"), list(itertools.product(STATES, STATES)))
def test_advance_never_lowers_the_rank_and_never_moves_sideways(current: State, proposed: State) -> None:
    after = advance(current, proposed)
    assert after is None or (after == proposed and RANK[after] > RANK[current])


@pytest.mark.parametrize("start", ["submitted", "submit-unknown", "sent"])
@pytest.mark.parametrize(
    "receipts",
    [
        ("sent", "delivered"),
        ("sent", "sent", "delivered", "delivered"),
        ("sent", "failed", "sent"),
        ("undelivered", "sent", "undelivered"),
    ],
)
def test_any_order_of_a_carriers_receipts_ends_in_the_same_state(
    start: State, receipts: tuple[State, ...]
) -> None:
    ends = {apply(start, order) for order in itertools.permutations(receipts)}
    assert len(ends) == 1
    assert ends <= TERMINAL


def test_two_different_final_receipts_keep_the_first() -> None:
    assert apply("sent", ("delivered", "failed")) == "delivered"
    assert apply("sent", ("failed", "delivered")) == "failed"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("delivered", "delivered", "delivered"), "delivered"),
        (("delivered", "sent", "delivered"), "sent"),
        (("delivered", "submitted"), "submitted"),
        (("delivered", "failed"), "failed"),
        (("delivered", "undelivered"), "undelivered"),
        (("undelivered", "failed", "delivered"), "failed"),
        (("delivered",), "delivered"),
        (("sent", "failed"), "sent"),
        (("submitted", "undelivered"), "submitted"),
    ],
    ids=[
        "all delivered",
        "one part still sent",
        "one part still submitted",
        "one failed",
        "one undelivered",
        "failed before undelivered",
        "one part",
        "failure waits for the other part",
        "undelivered waits for the other part",
    ],
)
def test_a_message_reported_per_part_takes_its_state_from_its_parts(
    parts: tuple[State, ...], expected: State
) -> None:
    assert aggregate(parts) == expected


def test_a_message_without_parts_has_no_state() -> None:
    with pytest.raises(ValueError, match="at least one part"):
        aggregate(())


PART_STATES: tuple[State, ...] = ("submitted", "sent", "delivered", "undelivered", "failed")


@pytest.mark.parametrize("parts", list(itertools.product(PART_STATES, repeat=3)))
def test_a_part_moving_forward_never_moves_its_message_back(parts: tuple[State, ...]) -> None:
    before = aggregate(parts)
    for index, proposed in itertools.product(range(len(parts)), PART_STATES):
        moved = advance(parts[index], proposed)
        if moved is not None:
            after = aggregate((*parts[:index], moved, *parts[index + 1 :]))
            assert RANK[after] >= RANK[before]
            assert before not in TERMINAL or after == before


@pytest.mark.parametrize(
    "receipts",
    [
        ((0, "sent"), (1, "sent"), (0, "delivered"), (1, "failed")),
        ((0, "undelivered"), (1, "failed"), (2, "delivered"), (2, "sent")),
        ((0, "delivered"), (0, "delivered"), (1, "sent"), (1, "delivered")),
    ],
)
def test_any_order_of_per_part_receipts_ends_the_message_the_same_way(
    receipts: tuple[tuple[int, State], ...],
) -> None:
    count = 1 + max(index for index, _ in receipts)
    ends = set()
    for order in itertools.permutations(receipts):
        parts: list[State] = ["submitted"] * count
        message: State = "submitted"
        for index, status in order:
            parts[index] = advance(parts[index], status) or parts[index]
            message = advance(message, aggregate(parts)) or message
        ends.add(message)
    assert len(ends) == 1


def test_the_status_topic_carries_exactly_the_state_machines_states() -> None:
    # The domain may not import the wire contracts, so its states and the contract's are two lists.
    assert set(get_args(MessageState)) == set(STATES)
