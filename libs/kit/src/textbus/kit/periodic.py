"""Background work that runs again and again while a service runs (sweepers)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def run_periodically(job: Callable[[], Awaitable[object]], *, every_seconds: float, name: str) -> None:
    """Run ``job`` every ``every_seconds`` until cancelled; a run that fails is logged and the next
    one goes on, so one bad sweep never stops the sweeper."""
    while True:
        try:
            await job()
        except Exception:
            log.exception("%s failed; trying again next time", name)
        await asyncio.sleep(every_seconds)
