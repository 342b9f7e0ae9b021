"""What the gateway keeps: carrier profiles and outbound messages, as the use cases see them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import SecretStr

from textbus.carrier_gateway.domain.segments import Encoding
from textbus.carrier_gateway.service.carriers import Credentials, Media


@dataclass(frozen=True)
class Profile:
    """A tenant's account with one carrier (seed 001): outbound goes through it, callbacks come to
    its webhook. ``credentials`` are in clear only in memory; the store keeps them sealed."""

    profile_id: str
    tenant: str
    name: str
    carrier: str
    api_url: str
    credentials: Credentials
    # Segments per second each sending number may use, by number type (long-code, toll-free, short-code).
    number_rates: dict[str, float]
    segments_per_second: float  # the whole profile's limit
    # MMS limits by number type, as the provider set them (else the defaults for the carrier).
    mms_limits: dict[str, dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @property
    def credential_fields(self) -> tuple[str, ...]:
        """Which credential fields are set: all an answer ever shows of them."""
        return tuple(name for name, value in self.credentials if value not in (None, ""))


@dataclass(frozen=True)
class Transition:
    state: str
    at: datetime
    code: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Part:
    """One request to the carrier: the whole text, or one segment for a carrier that takes one
    at a time. ``carrier_ids`` once accepted; ``states`` per carrier id (Vonage reports per part)."""

    text: str
    carrier_ids: tuple[str, ...] = ()
    states: dict[str, str] = field(default_factory=dict)
    segments: int | None = None


@dataclass(frozen=True)
class Submitting:
    """A submit begun and not yet recorded: found after a crash, it may have reached the carrier."""

    part: int
    attempt: int
    at: datetime


@dataclass(frozen=True)
class OutboundMessage:
    tenant: str
    message_id: str
    from_number: str
    to: tuple[str, ...]
    text: str
    media: tuple[Media, ...]
    sender_kind: str
    sender_id: str | None
    requested_by: str
    state: str
    history: tuple[Transition, ...]
    created_at: datetime
    partition: int
    profile_id: str | None = None
    carrier: str | None = None
    encoding: Encoding | None = None
    segments: int | None = None
    number_type: str | None = None
    parts: tuple[Part, ...] = ()
    next_part: int = 0  # the first part not yet accepted by the carrier
    due_at: datetime | None = None
    expires_at: datetime | None = None
    attempts: int = 0
    submitting: Submitting | None = None
    segments_per_second: float | None = None  # the number's pace when it was queued
    code: str | None = None
    reason: str | None = None

    @property
    def key(self) -> str:
        return message_key(self.tenant, self.message_id)

    @property
    def carrier_ids(self) -> tuple[str, ...]:
        return tuple(cid for part in self.parts for cid in part.carrier_ids)

    def but(self, **changes: Any) -> OutboundMessage:
        return replace(self, **changes)


def message_key(tenant: str, message_id: str) -> str:
    """A message's ``_id``: its id is the requester's, unique within the tenant (a tenant id has no '/')."""
    return f"{tenant}/{message_id}"


def revealed(credentials: Credentials) -> dict[str, Any]:
    """The credentials' values in clear: for sealing, and for merging a change into them."""
    return {
        name: value.get_secret_value() if isinstance(value, SecretStr) else value
        for name, value in credentials
        if value is not None
    }
