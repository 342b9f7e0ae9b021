"""The one state machine of an outbound message, and how per-part receipts make a message's state.

States only move forward: each has a rank and a proposal that would not raise it is dropped, so a
late, duplicated or reordered receipt changes nothing. Terminal states never change; two different
terminal receipts for one message (a carrier's bug) keep the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal, get_args

State = Literal[
    "accepted",
    "refused",
    "queued",
    "submitted",
    "sent",
    "delivered",
    "undelivered",
    "failed",
    "expired",
    "submit-unknown",
]
STATES: Final[tuple[State, ...]] = get_args(State)
TERMINAL: Final[frozenset[State]] = frozenset({"refused", "delivered", "undelivered", "failed", "expired"})

RANK: Final[Mapping[State, int]] = {
    "accepted": 0,
    "queued": 1,
    # Below submitted: a receipt, or a later submission the carrier answers, proves it took the
    # message; nothing can take it back to queued.
    "submit-unknown": 2,
    "submitted": 3,
    "sent": 4,
    "refused": 5,
    "delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "expired": 5,
}

# When a message's parts ended differently, it takes the first of these that one of them ended in.
_PART_FAILURES: Final[tuple[State, ...]] = ("failed", "undelivered", "expired", "refused")


def advance(current: State, proposed: State) -> State | None:
    """The state after ``proposed``, or None when it would move ``current`` back or sideways (a
    late or repeated receipt) or ``current`` is terminal."""
    if current in TERMINAL or RANK[proposed] <= RANK[current]:
        return None
    return proposed


def aggregate(part_states: Iterable[State]) -> State:
    """A message's state from its parts' (carriers that report per part, such as Vonage). Once every
    part has ended: delivered when every part was, otherwise failed, undelivered, expired or refused,
    the first of these that a part ended in. Until then the least advanced part's state, so that the
    message ends only once, the same way whatever order the parts' receipts come in (a message that
    ended cannot change, see ``advance``). ValueError for a message without parts."""
    parts = tuple(part_states)
    if not parts:
        raise ValueError("a message has at least one part")
    if all(part in TERMINAL for part in parts):
        return next((failure for failure in _PART_FAILURES if failure in parts), "delivered")
    return min(parts, key=RANK.__getitem__)
