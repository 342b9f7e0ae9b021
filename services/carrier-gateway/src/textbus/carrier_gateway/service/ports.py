"""The ports the gateway's use cases take; adapters/ implements them over MongoDB and Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from textbus.carrier_gateway.service.model import OutboundMessage, Profile
from textbus.contracts import Envelope, Topic

Event = tuple[Topic, Envelope]


@dataclass(frozen=True)
class NumberFacts:
    """A number as the numbers service last published it."""

    number: str
    tenant: str
    sms_capable: bool
    active: bool
    carrier_profile_id: str | None
    assignee_kind: str | None
    assignee_id: str | None


@dataclass(frozen=True)
class ProfileSearch:
    q: str | None = None
    name: str | None = None
    carrier: str | None = None


class Profiles(Protocol):
    async def get(self, profile_id: str) -> Profile | None: ...
    async def find(
        self, tenant: str, search: ProfileSearch, skip: int, limit: int
    ) -> tuple[list[Profile], int]: ...
    async def save(self, profile: Profile, events: Sequence[Event]) -> None:
        """Store ``profile`` (version 1 creates it; ``VersionConflict`` if another write came first)."""
        ...

    async def delete(self, profile: Profile, events: Sequence[Event]) -> None: ...
    def sealed_ids(self) -> AsyncIterator[str]: ...
    async def reseal(self, profile_id: str) -> bool: ...


class VersionConflict(Exception):
    """Another write changed the document since it was read."""


class ReadModels(Protocol):
    """What the gateway learns from other services' events."""

    async def number(self, number: str) -> NumberFacts | None: ...
    async def group_texting(self, tenant: str) -> bool: ...
    async def manages_own_numbers(self, tenant: str) -> bool: ...
    async def enterprise_exists(self, tenant: str) -> bool: ...
    async def groups_of(self, tenant: str, user_id: str) -> frozenset[str]: ...
    async def project_of(self, tenant: str, number: str) -> str | None: ...
    async def on_platform(self, numbers: Collection[str]) -> frozenset[str]: ...


class Consent(Protocol):
    """The opt-out ledger (kept by the inbound side, #12): who must not be texted by the tenant."""

    async def opted_out(self, tenant: str, recipients: Collection[str]) -> frozenset[str]: ...


class Messages(Protocol):
    async def create(self, message: OutboundMessage, events: Sequence[Event]) -> bool:
        """Store a new message and publish its events; False if the tenant has one with its id."""
        ...

    async def get(self, key: str) -> OutboundMessage | None: ...
    async def save(self, message: OutboundMessage, events: Sequence[Event]) -> None:
        """Store the message's next version and publish its events (one writer per message: the
        desk of the sending number's partition)."""
        ...

    def unfinished(self, partitions: Collection[int]) -> AsyncIterator[OutboundMessage]:
        """Messages of these partitions still queued or being submitted."""
        ...
