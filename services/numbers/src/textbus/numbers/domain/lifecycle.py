"""Automatic release of inactive numbers (seed 004).

A number with no message sent or received for 6 months is released; from 5
months on it is flagged with the date it will be released. Activity is the last
message in either direction, or the day the number was added if it never had one.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

WARN_AFTER_MONTHS = 5
RELEASE_AFTER_MONTHS = 6


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Inactivity:
    last_active_at: datetime
    release_at: datetime
    flagged: bool
    due: bool


def inactivity(
    *,
    created_at: datetime,
    last_activity_at: datetime | None,
    now: datetime,
    warn_after_months: int = WARN_AFTER_MONTHS,
    release_after_months: int = RELEASE_AFTER_MONTHS,
) -> Inactivity:
    last_active = max(created_at, last_activity_at) if last_activity_at else created_at
    release_at = add_months(last_active, release_after_months)
    return Inactivity(
        last_active_at=last_active,
        release_at=release_at,
        flagged=now >= add_months(last_active, warn_after_months),
        due=now >= release_at,
    )
