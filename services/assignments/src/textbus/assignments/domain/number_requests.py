"""What an assignee (a user or an SMS group) asked the numbers service for, and what came of it.

This service never decides an assignment: it sends AssignNumber/UnassignNumber
commands and learns the outcome from the numbers service's events. An
assignee's document keeps its latest request per number; what the number's
state is (pending, assigned, refused, unassigning) follows from that request,
the numbers service's answer to it, and who the number is assigned to now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Literal, TypedDict

from pydantic import BaseModel, ConfigDict

Action = Literal["assign", "unassign"]
EntryState = Literal["pending", "assigned", "refused", "unassigning"]


class NumberRequest(BaseModel):
    """One command this service sent (or is about to send) about a number, for one assignee."""

    model_config = ConfigDict(frozen=True)

    number: str
    action: Action
    correlation_id: str
    requested_by: str
    requested_at: datetime
    replace: bool = False


class Outcome(BaseModel):
    """The numbers service's answer to one command, found by number and correlation id."""

    model_config = ConfigDict(frozen=True)

    number: str
    correlation_id: str
    applied: bool
    code: str | None = None
    detail: str | None = None


class NumberEntry(BaseModel):
    """A number as an assignee's view shows it."""

    model_config = ConfigDict(frozen=True)

    number: str
    state: EntryState
    code: str | None = None
    detail: str | None = None
    correlation_id: str | None = None
    requested_at: datetime | None = None


def entries(
    requests: Iterable[NumberRequest],
    held: Iterable[str],
    outcomes: Mapping[tuple[str, str], Outcome],
) -> list[NumberEntry]:
    """The assignee's numbers, sorted: ``held`` are those the numbers service says it has now."""
    latest = {r.number: r for r in requests}
    held_now = set(held)
    shown = []
    for number in sorted(latest.keys() | held_now):
        entry = _entry(number, latest.get(number), number in held_now, outcomes)
        if entry is not None:
            shown.append(entry)
    return shown


class _About(TypedDict):
    correlation_id: str
    requested_at: datetime


def _entry(
    number: str,
    request: NumberRequest | None,
    held: bool,
    outcomes: Mapping[tuple[str, str], Outcome],
) -> NumberEntry | None:
    if request is None:
        # Assigned to us from elsewhere (the numbers service's own API).
        return NumberEntry(number=number, state="assigned") if held else None
    outcome = outcomes.get((number, request.correlation_id))
    about = _About(correlation_id=request.correlation_id, requested_at=request.requested_at)
    if request.action == "assign":
        if held:
            return NumberEntry(number=number, state="assigned", **about)
        if outcome is None:
            return NumberEntry(number=number, state="pending", **about)
        if not outcome.applied:
            return NumberEntry(
                number=number, state="refused", code=outcome.code, detail=outcome.detail, **about
            )
        return None  # assigned, then moved elsewhere
    if held:
        state: EntryState = "assigned" if outcome is not None else "unassigning"
        return NumberEntry(number=number, state=state, **about)
    return None


def kept(requests: Iterable[NumberRequest], current: Mapping[str, NumberEntry]) -> list[NumberRequest]:
    """The requests worth keeping: those whose number is still pending, refused or unassigning.

    An assigned number needs no request any more (the numbers service says it
    is ours); a number that went elsewhere is no longer ours to report on.
    """
    kept = []
    for request in requests:
        entry = current.get(request.number)
        if (
            entry is not None
            and entry.correlation_id == request.correlation_id
            and entry.state in ("pending", "refused", "unassigning")
        ):
            kept.append(request)
    return kept
