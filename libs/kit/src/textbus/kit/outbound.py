"""Calling other systems over HTTP (carriers, forwarding callbacks): one client session whose
lifetime the service owns, and one retry policy with exponential back-off, full jitter and the
callee's Retry-After honoured."""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import aiohttp
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_random_exponential

from textbus.kit.clock import utc_now

T = TypeVar("T")


class OutboundSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TEXTBUS_OUTBOUND_")

    connect_timeout_seconds: float = Field(default=5.0, gt=0)
    total_timeout_seconds: float = Field(default=30.0, gt=0, description="One request, answer included.")
    connections: int = Field(default=100, ge=1, description="Open connections at most, all hosts together.")
    connections_per_host: int = Field(default=20, ge=1)


class OutboundClient:
    """The service's one ``aiohttp.ClientSession``: opened when the service starts, closed when it
    stops (``Service.running`` does both), so connections are pooled and none outlives the service."""

    def __init__(self, settings: OutboundSettings | None = None) -> None:
        self.settings = settings or OutboundSettings()
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the outbound client is opened when the service starts")
        return self._session

    async def start(self) -> None:
        settings = self.settings
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(
                total=settings.total_timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            connector=aiohttp.TCPConnector(
                limit=settings.connections, limit_per_host=settings.connections_per_host
            ),
            raise_for_status=False,
        )

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class RetryLater(Exception):
    """A call that failed for now (5xx, 429, a timeout): worth trying again, after
    ``retry_after`` seconds if the callee said so."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header's wait: delta-seconds or an HTTP date (RFC 9110); None if absent or bad."""
    if not header:
        return None
    value = header.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or utc_now())).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a transient failure is tried again."""

    attempts: int = 5
    first_wait_seconds: float = 0.5
    max_wait_seconds: float = 30.0

    def wait(self, state: RetryCallState) -> float:
        """Full-jitter exponential back-off, but never shorter than the callee's Retry-After."""
        jittered = wait_random_exponential(multiplier=self.first_wait_seconds, max=self.max_wait_seconds)(
            state
        )
        error = state.outcome.exception() if state.outcome else None
        asked = error.retry_after if isinstance(error, RetryLater) else None
        return max(jittered, min(asked, self.max_wait_seconds)) if asked is not None else jittered

    async def run(
        self, call: Callable[[], Awaitable[T]], sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> T:
        """``call()`` until it succeeds, raises anything but ``RetryLater``, or runs out of attempts
        (then its last ``RetryLater`` is raised)."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=self.wait,
            retry=retry_if_exception_type(RetryLater),
            reraise=True,
            sleep=sleep,
        )
        async for attempt in retrying:
            with attempt:
                return await call()
        raise AssertionError("tenacity either returns or raises")  # pragma: no cover
