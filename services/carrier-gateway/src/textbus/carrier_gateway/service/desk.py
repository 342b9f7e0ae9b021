"""The desk: paces and submits the queued messages of the sending numbers this process owns.

A number is owned by whoever consumes its partition of ``sms.outbound.requested.v1``; its
receipts come on the same partition of ``sms.outbound.receipts.v1`` to the same consumer (the
subscriber's range assignor gives one member partition i of both). So every write of a message
happens in one process, and the desk's per-message lock orders them there: the submit, its
answer, the receipts.

- Pacing: each message was given its due time when queued (``domain/pacing.py``: the number's
  rate, a number with a long queue delays only itself); the desk submits in due order, at most
  ``submit_concurrency`` at once, each profile within its own token bucket (a 429 slows the
  profile down, not the others).
- Never twice: before a request is sent the message records that it is being submitted; found
  so after a crash, it goes to ``submit-unknown`` instead of being sent again. An answer that
  never came (a timeout after the request was written) is ``submit-unknown`` too.
- Transient failures are tried again with exponential back-off and full jitter, no sooner than
  the carrier's Retry-After; a message still queued past its validity expires.
- On a restart or rebalance the new owner reads its partitions' unfinished messages back.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import random
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp

from textbus.carrier_gateway.domain.pacing import PacerState, TokenBucket
from textbus.carrier_gateway.service.carriers import (
    CarrierAdapter,
    CarrierBusy,
    CarrierRefused,
    Submission,
    SubmitUnknown,
)
from textbus.carrier_gateway.service.model import OutboundMessage, Part, Profile, Submitting
from textbus.carrier_gateway.service.ports import Event, Messages, Profiles
from textbus.carrier_gateway.service.transitions import move
from textbus.kit.clock import Clock
from textbus.kit.outbound import RetryLater

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeskSettings:
    submit_concurrency: int = 200
    submit_attempts: int = 8
    first_retry_seconds: float = 1.0
    max_retry_seconds: float = 300.0
    profile_segments_per_second: float = 100.0


CallbackUrl = Callable[[Profile, str], str]


class Desk:
    def __init__(
        self,
        messages: Messages,
        profiles: Profiles,
        carriers: Mapping[str, CarrierAdapter],
        http: Callable[[], aiohttp.ClientSession],
        callback_url: CallbackUrl,
        clock: Clock,
        settings: DeskSettings,
    ) -> None:
        self.messages = messages
        self.profiles = profiles
        self.carriers = carriers
        self.http = http
        self.callback_url = callback_url
        self.clock = clock
        self.settings = settings
        self.owned: set[int] = set()
        self._queue: list[tuple[datetime, int, str, int]] = []  # due, order, message key, partition
        self._order = itertools.count()
        self._pacers: dict[str, PacerState] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._holders: dict[str, int] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._reserved: set[str] = set()  # messages whose profile tokens are taken, waiting to use them
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.submit_concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    # --- ownership --------------------------------------------------------------------------
    async def assigned(self, partitions: Collection[int]) -> None:
        """Take up the numbers of these partitions: their unfinished messages, read back."""
        fresh = set(partitions) - self.owned
        self.owned |= fresh
        if not fresh:
            return
        found = 0
        async for message in self.messages.unfinished(fresh):
            found += 1
            if message.submitting is not None:
                await self._left_submitting(message)
            elif message.due_at is not None:
                self.pace_from(message)
                self.enqueue(message)
        if found:
            log.info("took up queued messages", extra={"partitions": sorted(fresh), "messages": found})

    def revoked(self, partitions: Collection[int]) -> None:
        self.owned -= set(partitions)
        # Their queue entries are skipped when they come due; the pacers go with them.
        self._queue = [entry for entry in self._queue if entry[3] in self.owned]
        heapq.heapify(self._queue)

    # --- pacing -------------------------------------------------------------------------------
    def pacer(self, number: str) -> PacerState:
        return self._pacers.get(number, PacerState(free_at=None))

    def paced(self, number: str, state: PacerState) -> None:
        self._pacers[number] = state

    def pace_from(self, message: OutboundMessage) -> None:
        """A number's pacer as its queued messages left it (read back at start-up)."""
        if message.due_at is None or message.segments is None:
            return
        current = self.pacer(message.from_number).free_at
        rate = message_rate(message)
        ends = message.due_at + timedelta(seconds=message.segments / rate)
        if current is None or ends > current:
            self._pacers[message.from_number] = PacerState(free_at=ends)

    def enqueue(self, message: OutboundMessage) -> None:
        if message.due_at is None or message.partition not in self.owned:
            return
        heapq.heappush(self._queue, (message.due_at, next(self._order), message.key, message.partition))
        self._wake.set()

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        """One writer at a time per message in this process (a submit, its answer, a receipt)."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key], self._locks[key]

    # --- the loop ------------------------------------------------------------------------------
    async def run(self) -> None:
        """Until cancelled: submit each queued message when it is due."""
        try:
            while True:
                await self._next_due()
                _, _, key, partition = heapq.heappop(self._queue)
                if partition not in self.owned:
                    continue
                await self._slots.acquire()
                task = asyncio.create_task(self._submit_released(key), name=f"submit {key}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _next_due(self) -> None:
        while True:
            self._wake.clear()
            if self._queue:
                wait = (self._queue[0][0] - self.clock()).total_seconds()
                if wait <= 0:
                    return
            else:
                wait = None
            with suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake.wait(), timeout=min(wait, 1.0) if wait is not None else None
                )

    async def _submit_released(self, key: str) -> None:
        try:
            await self.submit(key)
        except Exception:
            # The message stays as stored; it is taken up again when its partition is.
            log.exception("a submit failed unexpectedly", extra={"message": key})
        finally:
            self._slots.release()

    async def submit(self, key: str) -> None:
        """Submit the message's next part if it is due, and record what the carrier answered."""
        async with self.lock(key):
            message = await self.messages.get(key)
            now = self.clock()
            if message is None or message.state != "queued" or message.submitting is not None:
                return
            if message.due_at is not None and message.due_at > now:
                self.enqueue(message)  # rescheduled meanwhile
                return
            if message.expires_at is not None and now >= message.expires_at:
                await self._save(
                    *move(
                        message.but(due_at=None), "expired", now, "expired", "still queued past its validity"
                    )
                )
                return
            profile = await self.profiles.get(message.profile_id or "")
            adapter = self.carriers.get(profile.carrier) if profile else None
            if profile is None or adapter is None:
                await self._save(
                    *move(message, "failed", now, "carrier-profile-unknown", "its carrier profile is gone")
                )
                return
            segments = message.parts[message.next_part].segments or message.segments or 1
            # A take reserves the tokens: a message told to wait has them when it comes back.
            if key not in self._reserved:
                wait = self._bucket(profile).take(now, segments)
                if wait > 0:
                    self._reserved.add(key)
                    self.enqueue(message.but(due_at=now + timedelta(seconds=wait)))
                    return
            self._reserved.discard(key)
            attempt = message.attempts + 1
            submitting = message.but(submitting=Submitting(message.next_part, attempt, now), attempts=attempt)
            await self.messages.save(submitting, [])
            await self._send(submitting, profile, adapter)

    async def _send(self, message: OutboundMessage, profile: Profile, adapter: CarrierAdapter) -> None:
        index = message.next_part
        part = message.parts[index]
        submission = Submission(
            message_id=message.message_id,
            part=index + 1,
            sender=message.from_number,
            recipients=message.to,
            text=part.text,
            media=message.media if index == 0 else (),
            encoding=message.encoding or "GSM-7",
            segments=part.segments or message.segments or 1,
            status_callback_url=self.callback_url(profile, message.message_id),
            validity_seconds=max(
                60, int(((message.expires_at or self.clock()) - self.clock()).total_seconds())
            ),
        )
        done = message.but(submitting=None)
        try:
            accepted = await adapter.submit(self.http(), profile.api_url, profile.credentials, submission)
        except CarrierRefused as refused:
            await self._save(*move(done, "failed", self.clock(), refused.code, refused.reason))
        except CarrierBusy as busy:
            self._bucket(profile).slow_down(self.clock(), busy.retry_after or 1.0)
            await self._retry(done, str(busy), busy.retry_after)
        except RetryLater as later:
            await self._retry(done, str(later), later.retry_after)
        except SubmitUnknown as unknown:
            await self._save(*move(done, "submit-unknown", self.clock(), "submit-unknown", str(unknown)))
        else:
            parts = list(done.parts)
            parts[index] = Part(
                text=part.text,
                carrier_ids=accepted.carrier_ids,
                states={cid: "submitted" for cid in accepted.carrier_ids},
                segments=accepted.segments or part.segments,
            )
            accepted_message = done.but(parts=tuple(parts), next_part=index + 1, attempts=0)
            if index + 1 < len(parts):
                now = self.clock()
                await self._save(accepted_message.but(due_at=now), [])
                self.enqueue(accepted_message.but(due_at=now))
                return
            state = "submitted" if adapter.capabilities.receipts else "sent"
            moved, published = move(accepted_message.but(due_at=None), "submitted", self.clock())
            if state == "sent":
                moved, more = move(moved, "sent", self.clock(), reason="the carrier reports no delivery")
                published += more
            await self._save(moved, published)

    async def _retry(self, message: OutboundMessage, reason: str, retry_after: float | None) -> None:
        now = self.clock()
        if message.attempts >= self.settings.submit_attempts:
            await self._save(
                *move(message.but(due_at=None), "failed", now, "carrier-unavailable", f"gave up: {reason}")
            )
            return
        # Full jitter (AWS's "exponential backoff and jitter"), never sooner than Retry-After.
        ceiling = min(
            self.settings.max_retry_seconds, self.settings.first_retry_seconds * 2**message.attempts
        )
        wait = max(random.uniform(0, ceiling), retry_after or 0.0)
        due = now + timedelta(seconds=wait)
        rescheduled = message.but(due_at=due, reason=reason)
        await self._save(rescheduled, [])
        self.enqueue(rescheduled)

    async def _left_submitting(self, message: OutboundMessage) -> None:
        """Found mid-submit after a crash: it may have reached the carrier, so it is not sent again."""
        async with self.lock(message.key):
            # Read again under the lock: a submit of this process may have finished meanwhile.
            current = await self.messages.get(message.key)
            if current is None or current.submitting is None:
                return
            now = self.clock()
            moved, published = move(
                current.but(submitting=None, due_at=None),
                "submit-unknown",
                now,
                "submit-unknown",
                "the gateway stopped while submitting it: it may have reached the carrier",
            )
            await self._save(moved, published)

    async def _save(self, message: OutboundMessage, published: list[Event]) -> None:
        await self.messages.save(message, published)

    def _bucket(self, profile: Profile) -> TokenBucket:
        rate = profile.segments_per_second or self.settings.profile_segments_per_second
        bucket = self._buckets.get(profile.profile_id)
        if bucket is None or bucket.rate != rate:
            bucket = self._buckets[profile.profile_id] = TokenBucket(rate=rate, burst=max(1.0, rate))
        return bucket


def message_rate(message: OutboundMessage) -> float:
    """The segments per second the message's number was paced at (kept on the message)."""
    return message.segments_per_second or 1.0
