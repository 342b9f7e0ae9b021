"""A user's personal numbers (one-to-one): assign, change (move a number to the user) and unassign."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from textbus.assignments.domain.number_requests import NumberEntry, NumberRequest, kept


class NotHeld(ValueError):
    """The user neither has the number nor has it on its way."""


@dataclass(frozen=True)
class PersonalChange:
    requests: list[NumberRequest]
    command: NumberRequest | None


def assign(
    requests: Iterable[NumberRequest],
    current: Mapping[str, NumberEntry],
    number: str,
    *,
    replace: bool,
    correlation_id: str,
    requested_by: str,
    at: datetime,
) -> PersonalChange:
    """Ask for ``number`` for the user; with ``replace`` it is taken from whoever has it now.

    A number the user has or is about to get is not asked for again.
    """
    keep = kept(requests, current)
    entry = current.get(number)
    if entry is not None and entry.state in ("assigned", "pending"):
        return PersonalChange(keep, None)
    command = NumberRequest(
        number=number,
        action="assign",
        correlation_id=correlation_id,
        requested_by=requested_by,
        requested_at=at,
        replace=replace,
    )
    return PersonalChange([r for r in keep if r.number != number] + [command], command)


def unassign(
    requests: Iterable[NumberRequest],
    current: Mapping[str, NumberEntry],
    number: str,
    *,
    correlation_id: str,
    requested_by: str,
    at: datetime,
) -> PersonalChange:
    """Give ``number`` up: an assigned or pending number is unassigned, a refused one forgotten."""
    keep = kept(requests, current)
    entry = current.get(number)
    if entry is None:
        raise NotHeld(number)
    if entry.state == "unassigning":
        return PersonalChange(keep, None)
    others = [r for r in keep if r.number != number]
    if entry.state == "refused":
        return PersonalChange(others, None)
    command = NumberRequest(
        number=number,
        action="unassign",
        correlation_id=correlation_id,
        requested_by=requested_by,
        requested_at=at,
    )
    return PersonalChange([*others, command], command)
