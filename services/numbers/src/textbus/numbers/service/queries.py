"""What a reader asks of the inventory, and what a number looks like to a reader."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from textbus.numbers.domain.numbers import Assignee


class ServicesFilter(StrEnum):
    """The Services column's filter (seed 000)."""

    NOT_CAPABLE = "not-capable"
    UNASSIGNED = "unassigned"
    USER = "user"
    GROUP = "group"


SortKey = Literal[
    "number",
    "-number",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "assignee",
    "-assignee",
    "carrier",
    "-carrier",
]


class NumberFilter(BaseModel):
    """Which numbers: quick search across every column, column filters (AND), the Services filter.
    A filter with no criterion selects every number."""

    # Requests carry it as they are (a query, a bulk selection): a misspelled criterion is refused,
    # never dropped (a dropped one once widened a bulk delete to the whole inventory).
    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, description="Quick search: number in any format, assignee, carrier.")
    number: str | None = Field(default=None, description="The number contains this (digits or text).")
    assignee: str | None = Field(default=None, description="The assignee's name contains this.")
    carrier: str | None = Field(default=None, description="The carrier or profile name contains this.")
    services: list[ServicesFilter] = Field(default_factory=list, description="Any of these chip groups.")
    lifecycle: Literal["active", "released"] | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.number or self.assignee or self.carrier or self.services or self.lifecycle)


class SortedFilter(NumberFilter):
    """Which numbers, in which order (the export's query)."""

    sort: SortKey = Field(
        default="number",
        description="The column to sort by (assignee and carrier: by the name shown, in any case);"
        " a leading - reverses; the number breaks ties.",
    )


class AssigneeView(BaseModel):
    kind: Literal["user", "group"]
    id: str
    name: str | None = Field(description="None when the assignee is no longer known.")


class CarrierProfileView(BaseModel):
    id: str
    name: str | None
    carrier: str | None


class ChipView(BaseModel):
    state: str
    issues: list[str]


class InactivityView(BaseModel):
    flagged: bool = Field(description="Inactive for 5 months: it will be released at release_at.")
    release_at: datetime


class NumberView(BaseModel):
    number: str
    sms_capable: bool
    carrier_profile: CarrierProfileView | None
    assignee: AssigneeView | None
    registration: str
    lifecycle: str
    last_activity_at: datetime | None
    created_at: datetime
    updated_at: datetime
    service_chip: ChipView
    inactivity: InactivityView | None = Field(description="None once released.")


class Catalog(Protocol):
    """Numbers as a reader sees them, each with its chip and inactivity as of ``now``."""

    async def view(self, tenant: str, number: str, now: datetime) -> NumberView | None: ...

    async def page(
        self, tenant: str, query: SortedFilter, now: datetime, *, skip: int, limit: int
    ) -> tuple[list[NumberView], int]:
        """A page of the numbers the query selects, in its order, and how many it selects."""
        ...

    def stream(self, tenant: str, query: SortedFilter, now: datetime) -> AsyncIterator[list[NumberView]]:
        """Every number the query selects, in its order, a batch at a time."""
        ...


def assignee_key(assignee: Assignee) -> str:
    return f"{assignee.kind}/{assignee.id}"
