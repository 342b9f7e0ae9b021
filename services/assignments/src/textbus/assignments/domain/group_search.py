"""Finding SMS groups: a quick search across every column, column filters, sorting and pages.

Columns: group name, members (a count), numbers, owner. Text filters match
parts of a value regardless of case; the member count is compared (equal,
greater than, less than). Every filter given must match (AND).

A person (the owner, a member) is found by their display name or their sign-in
name, each on its own: a text spanning both ("Ann ann@") finds no one, so that
the query (adapters/group_search.py) can find the people first, each field an
indexed search of the users. A user the service has no record of has no name.
Ties in any order are broken by the group name, then the group id, both
reversed with the order. This module is the specification the query is held to
(tests/integration/assignments/test_group_search_oracle.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from textbus.assignments.domain.groups import MAX_MEMBERS
from textbus.search import number_contains, text_contains

SortKey = Literal["name", "-name", "owner", "-owner", "members", "-members", "created_at", "-created_at"]


class Person(BaseModel):
    """A user as a group row names them: no names when the service has no record of the user."""

    model_config = ConfigDict(frozen=True)

    display_name: str | None = None
    sign_in_name: str | None = None

    def named(self, text: str) -> bool:
        """The display name or the sign-in name contains ``text``."""
        return any(text_contains(n, text) for n in (self.display_name, self.sign_in_name) if n is not None)


class GroupRow(BaseModel):
    """One row of the groups table, with the names a person searches for."""

    model_config = ConfigDict(frozen=True)

    group_id: str
    name: str
    owner: Person
    members: tuple[Person, ...]
    member_count: int
    numbers: tuple[str, ...]
    created_at: datetime


class GroupSearch(BaseModel):
    """What to find and in what order; the page is asked for apart."""

    model_config = ConfigDict(frozen=True)

    q: str | None = Field(default=None, max_length=200, description="Quick search across every column.")
    name: str | None = Field(default=None, max_length=200, description="Group name contains.")
    owner: str | None = Field(
        default=None, max_length=200, description="The owner's display name or sign-in name contains."
    )
    number: str | None = Field(default=None, max_length=40, description="A group number contains.")
    member: str | None = Field(
        default=None, max_length=200, description="A member's display name or sign-in name contains."
    )
    members_eq: int | None = Field(default=None, ge=0, le=MAX_MEMBERS, description="Member count equals.")
    members_gt: int | None = Field(
        default=None, ge=0, le=MAX_MEMBERS, description="Member count greater than."
    )
    members_lt: int | None = Field(default=None, ge=0, le=MAX_MEMBERS, description="Member count less than.")
    sort: SortKey = Field(default="name", description="The column to sort by; a leading - sorts descending.")


def search(
    rows: Iterable[GroupRow], query: GroupSearch, *, skip: int, limit: int
) -> tuple[list[GroupRow], int]:
    """The page of rows matching every filter, in the asked order, and how many match in all."""
    matching = [row for row in rows if _matches(row, query)]
    field = query.sort.lstrip("-")
    matching.sort(key=lambda row: _sort_value(row, field), reverse=query.sort.startswith("-"))
    return matching[skip : skip + limit], len(matching)


def member_counts_containing(text: str) -> list[int]:
    """The member counts a group can have whose digits contain ``text`` ("1": 1, 10, 21, ...)."""
    return [count for count in range(MAX_MEMBERS + 1) if text_contains(str(count), text)]


def _matches(row: GroupRow, query: GroupSearch) -> bool:
    checks = [
        query.q is None or _quick(row, query.q),
        query.name is None or text_contains(row.name, query.name),
        query.owner is None or row.owner.named(query.owner),
        query.member is None or any(m.named(query.member) for m in row.members),
        query.number is None or any(number_contains(n, query.number) for n in row.numbers),
        query.members_eq is None or row.member_count == query.members_eq,
        query.members_gt is None or row.member_count > query.members_gt,
        query.members_lt is None or row.member_count < query.members_lt,
    ]
    return all(checks)


def _quick(row: GroupRow, text: str) -> bool:
    return (
        text_contains(row.name, text)
        or row.owner.named(text)
        or text_contains(str(row.member_count), text)
        or any(m.named(text) for m in row.members)
        or any(number_contains(n, text) for n in row.numbers)
    )


def _sort_value(row: GroupRow, field: str) -> tuple[object, ...]:
    ties = (row.name.casefold(), row.group_id)
    match field:
        case "owner":
            # By the name shown, in any case; an owner without one first (ascending).
            shown = row.owner.display_name
            return (shown is not None, (shown or "").casefold(), *ties)
        case "members":
            return (row.member_count, *ties)
        case "created_at":
            return (row.created_at, *ties)
    return ties
