"""Fakes of the gateway's ports, for its use cases' rules (flows are tested over real Kafka,
FerretDB and the carrier simulators in tests/e2e/carrier_gateway)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import aiohttp

from textbus.carrier_gateway.service.carriers import (
    Accepted,
    CallbackAnswer,
    CallbackRequest,
    Capabilities,
    Credentials,
    InboundText,
    Receipt,
    Submission,
)
from textbus.carrier_gateway.service.model import OutboundMessage, Part, Profile, Transition
from textbus.carrier_gateway.service.ports import Event
from textbus.contracts.outbound.v1 import MessageStatusChanged


@dataclass
class Clock:
    now: datetime = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class FakeMessages:
    stored: dict[str, OutboundMessage] = field(default_factory=dict)
    published: list[Event] = field(default_factory=list)
    writes: list[OutboundMessage] = field(default_factory=list)

    async def create(self, message: OutboundMessage, events: Sequence[Event]) -> bool:
        if message.key in self.stored:
            return False
        self.stored[message.key] = message
        self.published.extend(events)
        return True

    async def get(self, key: str) -> OutboundMessage | None:
        return self.stored.get(key)

    async def save(self, message: OutboundMessage, events: Sequence[Event]) -> None:
        self.stored[message.key] = message
        self.writes.append(message)
        self.published.extend(events)

    async def unfinished(self, partitions: Collection[int]) -> AsyncIterator[OutboundMessage]:
        for message in list(self.stored.values()):
            if message.partition in partitions and message.state in ("accepted", "queued"):
                yield message

    def states(self) -> list[str]:
        return [e.data.state for _, e in self.published if isinstance(e.data, MessageStatusChanged)]


class NoCredentials(Credentials):
    pass


@dataclass
class FakeProfiles:
    profiles: dict[str, Profile] = field(default_factory=dict)

    async def get(self, profile_id: str) -> Profile | None:
        return self.profiles.get(profile_id)


class ScriptedCarrier:
    """A carrier whose answers the test scripts: each submit takes the next outcome (an
    ``Accepted`` or an exception to raise)."""

    kind: ClassVar[str] = "scripted"
    credentials = NoCredentials
    default_api_url = "http://carrier.invalid"

    def __init__(
        self, *outcomes: Accepted | Exception, max_text: int | None = None, receipts: bool = True
    ) -> None:
        self.outcomes = list(outcomes)
        self.submitted: list[Submission] = []
        self.capabilities = Capabilities(max_text=max_text, receipts=receipts)

    async def submit(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials, submission: Submission
    ) -> Accepted:
        self.submitted.append(submission)
        outcome = self.outcomes.pop(0) if self.outcomes else Accepted((f"c{len(self.submitted)}",))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def check_credentials(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials
    ) -> None:
        return None

    def authentic(self, request: CallbackRequest, credentials: Credentials) -> bool:
        return True

    def receipts(self, request: CallbackRequest) -> list[Receipt]:
        return []

    def inbound(self, request: CallbackRequest) -> list[InboundText]:
        return []

    def replay_key(self, request: CallbackRequest) -> str | None:
        return None

    def answer(self) -> CallbackAnswer:
        return CallbackAnswer()


def a_profile(clock: Clock, rate: float = 100.0) -> Profile:
    return Profile(
        profile_id="p-1",
        tenant="acme",
        name="Main",
        carrier="scripted",
        api_url="http://carrier.invalid",
        credentials=NoCredentials(),
        number_rates={},
        segments_per_second=rate,
        mms_limits={},
        created_at=clock(),
        updated_at=clock(),
    )


def a_queued_message(
    clock: Clock, message_id: str = "m-1", parts: tuple[str, ...] = ("Hello",)
) -> OutboundMessage:
    now = clock()
    return OutboundMessage(
        tenant="acme",
        message_id=message_id,
        from_number="+14155550100",
        to=("+14155550199",),
        text="".join(parts),
        media=(),
        sender_kind="user",
        sender_id="u-1",
        requested_by="tests",
        state="queued",
        history=(Transition("accepted", now), Transition("queued", now)),
        created_at=now,
        partition=0,
        profile_id="p-1",
        carrier="scripted",
        encoding="GSM-7",
        segments=len(parts),
        number_type="long-code",
        parts=tuple(Part(text=p, segments=1) for p in parts),
        due_at=now,
        expires_at=now + timedelta(hours=10),
        segments_per_second=1.0,
    )
