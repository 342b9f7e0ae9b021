"""The one clock port: every use case and adapter gets the time from the ``Clock`` it was given,
so that tests move time forward instead of waiting (``datetime.now`` is called here only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The system clock, timezone-aware in UTC."""
    return datetime.now(UTC)
