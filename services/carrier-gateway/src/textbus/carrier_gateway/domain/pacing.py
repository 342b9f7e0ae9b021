"""When a message may go: each number at its own pace, each carrier profile within its rate.

A number is paced by virtual scheduling (the generic cell rate algorithm): its state is the moment
its earlier messages will have used their time, and a message of n segments takes n / rate seconds
from then. A profile's rate is a token bucket that slows down when the carrier says so. Everything
takes ``now`` from the caller: nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

# Twilio queues at most ten hours of a number's rate; past that it refuses (error 30001).
QUEUE_CAP: Final = timedelta(hours=10)


@dataclass(frozen=True)
class PacerState:
    """``free_at``: when the number's messages so far will have used their time; None for a
    number that never sent."""

    free_at: datetime | None = None


def schedule(
    state: PacerState, now: datetime, segments: int, segments_per_second: float
) -> tuple[datetime, PacerState]:
    """When a message of ``segments`` from this number is due, and the number's state after it:
    at once for an idle number, otherwise when the messages before it have used their time."""
    due_at = now if state.free_at is None else max(now, state.free_at)
    return due_at, PacerState(due_at + _duration(segments, segments_per_second))


def queue_full(
    state: PacerState,
    now: datetime,
    segments_per_second: float,
    cap: timedelta = QUEUE_CAP,
    *,
    segments: int = 1,
) -> bool:
    """Whether queueing ``segments`` more would hold more than ``cap`` of the number's rate."""
    backlog = timedelta(0) if state.free_at is None else max(timedelta(0), state.free_at - now)
    return backlog + _duration(segments, segments_per_second) > cap


def _duration(segments: int, segments_per_second: float) -> timedelta:
    if segments_per_second <= 0:
        raise ValueError(f"a pace must be positive, not {segments_per_second}")
    return timedelta(seconds=segments / segments_per_second)


# After a 429 the rate halves, and again on a 429 after that pause, but never below this share.
SLOWEST_SHARE: Final = 1 / 16
# Once the carrier's pause is over, the rate climbs back to full in a straight line over this time.
RECOVERY: Final = timedelta(seconds=60)


@dataclass
class TokenBucket:
    """A carrier profile's rate: ``rate`` tokens (segments) a second, up to ``burst`` at once.

    ``take`` reserves tokens and says how long to wait before using them; a bucket in debt makes
    later takers wait behind earlier ones. ``slow_down`` (the carrier answered 429 with a
    Retry-After) empties the bucket until then and halves the rate (multiplicative decrease, down
    to ``SLOWEST_SHARE``; further 429s during the pause only lengthen it); from the end of the
    pause the rate climbs back linearly to full over ``recovery`` (additive increase, as TCP
    recovers). The rate used for an interval is the one at its start, the lowest in it while the
    rate recovers, so the bucket never runs faster than allowed.
    """

    rate: float
    burst: float
    recovery: timedelta = RECOVERY
    _tokens: float = field(init=False)
    _at: datetime | None = field(default=None, init=False)
    _paused_until: datetime | None = field(default=None, init=False)
    _slowed_share: float = field(default=1.0, init=False)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst <= 0:
            raise ValueError(f"a bucket needs a positive rate and burst, not {self.rate} and {self.burst}")
        self._tokens = self.burst

    def rate_at(self, moment: datetime) -> float:
        """Tokens a second at ``moment``: full, or slowed after a 429 and recovering."""
        if self._paused_until is None:
            return self.rate
        if moment <= self._paused_until:
            return self.rate * self._slowed_share
        progress = min(1.0, (moment - self._paused_until) / self.recovery)
        return self.rate * (self._slowed_share + (1 - self._slowed_share) * progress)

    def take(self, now: datetime, n: float = 1) -> float:
        """Reserve ``n`` tokens; the seconds to wait before sending them (0 when they are there)."""
        self._refill(now)
        self._tokens -= n
        resume = now if self._paused_until is None else max(now, self._paused_until)
        pause = (resume - now).total_seconds()
        if self._tokens >= 0:
            return pause
        return pause + -self._tokens / self.rate_at(resume)

    def slow_down(self, now: datetime, retry_after_seconds: float) -> None:
        """The carrier asked to wait ``retry_after_seconds``: no tokens until then, and a slower rate."""
        self._refill(now)
        until = now + timedelta(seconds=max(0.0, retry_after_seconds))
        if self._paused_until is not None and now < self._paused_until:
            # Requests in flight when the first 429 came are refused too: one slow-down, not several.
            self._paused_until = max(self._paused_until, until)
        else:
            self._slowed_share = max(SLOWEST_SHARE, self.rate_at(now) / self.rate / 2)
            self._paused_until = until
        self._tokens = min(self._tokens, 0.0)

    def _refill(self, now: datetime) -> None:
        if self._at is None:
            self._at = now
            return
        start = self._at if self._paused_until is None else max(self._at, self._paused_until)
        if now > start:
            earned = (now - start).total_seconds() * self.rate_at(start)
            self._tokens = min(self.burst, self._tokens + earned)
        self._at = max(self._at, now)
