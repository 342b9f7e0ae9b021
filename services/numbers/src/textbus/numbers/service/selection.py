"""Which of a tenant's numbers a query selects, and in what order: decided on number records.

This is the specification the catalog's query (adapters/catalog.py) is tested
against over the real database (tests/integration/test_search_oracle.py): the
query must select and order exactly what this module does, for any inventory
and any query. Names live in read models, so a query's name filters are first
resolved to the ids they match (``Names``), and a sort by assignee or carrier
is by the names shown; what is left is a pure predicate and a sort key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textbus.numbers.domain.numbers import NumberRecord
from textbus.numbers.service.queries import NumberFilter, ServicesFilter, SortKey, assignee_key
from textbus.search import number_contains


@dataclass(frozen=True)
class Names:
    """A name filter resolved: the assignee keys (kind/id) and carrier profile ids it matches."""

    assignees: frozenset[str] = frozenset()
    profiles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Selection:
    """A filter with its name criteria resolved, and an order. ``anywhere`` is the quick search's
    (number, assignee, carrier); ``assignee`` and ``carrier`` are the column filters'. All criteria
    combine with AND."""

    query: NumberFilter
    anywhere: Names | None = None
    assignee: Names | None = None
    carrier: Names | None = None
    sort: SortKey = "number"

    def selects(self, record: NumberRecord) -> bool:
        query, key = self.query, _assignee(record)
        if query.q and self.anywhere is not None:
            in_number = number_contains(record.number, query.q)
            if not (
                in_number
                or key in self.anywhere.assignees
                or record.carrier_profile_id in self.anywhere.profiles
            ):
                return False
        if query.number and not number_contains(record.number, query.number):
            return False
        if self.assignee is not None and key not in self.assignee.assignees:
            return False
        if self.carrier is not None and record.carrier_profile_id not in self.carrier.profiles:
            return False
        if query.services and not any(_in_group(record, group) for group in query.services):
            return False
        return not (query.lifecycle and record.lifecycle != query.lifecycle)

    def sorted(
        self, records: Iterable[NumberRecord], names: Mapping[str, str | None] | None = None
    ) -> list[NumberRecord]:
        """The records in ``sort`` order, the number breaking ties; a missing value sorts first
        ascending and last descending. Assignees and carriers sort by the name shown, in any case:
        ``names`` maps an assignee key (kind/id) or a carrier profile id to it (none: unknown)."""
        field = self.sort.lstrip("-")
        shown = names or {}

        def value(record: NumberRecord) -> Any:
            if field not in _NAMED:
                return _SORT_VALUES[field](record)
            key = _NAMED[field](record)
            name = shown.get(key) if key is not None else None
            return name.casefold() if name is not None else None

        return sorted(
            records,
            key=lambda r: (value(r) is not None, value(r) or "", r.number),
            reverse=self.sort.startswith("-"),
        )


def _assignee(record: NumberRecord) -> str | None:
    return assignee_key(record.assignee) if record.assignee else None


def _in_group(record: NumberRecord, group: ServicesFilter) -> bool:
    match group:
        case ServicesFilter.NOT_CAPABLE:
            return not record.sms_capable
        case ServicesFilter.UNASSIGNED:
            return record.sms_capable and record.assignee is None
    # USER or GROUP: assigned to that kind of assignee.
    return record.sms_capable and record.assignee is not None and record.assignee.kind == group.value


_SORT_VALUES: dict[str, Callable[[NumberRecord], Any]] = {
    "number": lambda r: r.number,
    "created_at": lambda r: r.created_at,
    "updated_at": lambda r: r.updated_at,
}
# Sorted by the name of what they refer to.
_NAMED: dict[str, Callable[[NumberRecord], str | None]] = {
    "assignee": _assignee,
    "carrier": lambda r: r.carrier_profile_id,
}
