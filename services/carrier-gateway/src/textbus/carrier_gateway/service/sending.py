"""Taking a send request: plan it (domain/plan.py) over what the read models know, then store it
refused, or queued at the number's pace, and publish its first states.

The same plan answers ``POST .../messages/plan`` without sending, and ``POST .../messages``
before the request goes on ``sms.outbound.requested.v1``; the sending number's consumer plans it
again when it takes it (the facts may have changed in between), and only that plan counts.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from textbus.carrier_gateway.domain import pacing
from textbus.carrier_gateway.domain.media import MediaItem, MediaLimits, default_media_limits
from textbus.carrier_gateway.domain.number_types import DEFAULT_SEGMENTS_PER_SECOND
from textbus.carrier_gateway.domain.pacing import PacerState
from textbus.carrier_gateway.domain.plan import (
    Plan,
    ProfileFacts,
    Sender,
    SendFacts,
    SendingNumber,
    SendRequest,
    plan,
)
from textbus.carrier_gateway.domain.refusals import Refusal
from textbus.carrier_gateway.service import events
from textbus.carrier_gateway.service.carriers import CarrierAdapter
from textbus.carrier_gateway.service.desk import Desk
from textbus.carrier_gateway.service.errors import SendRefused
from textbus.carrier_gateway.service.model import OutboundMessage, Part, Profile, Transition, message_key
from textbus.carrier_gateway.service.ports import Consent, Event, Messages, Profiles, ReadModels
from textbus.carrier_gateway.service.transitions import move
from textbus.contracts import Envelope, Topic, topic
from textbus.contracts.outbound.v1 import SendMessage
from textbus.kit.clock import Clock

Publish = Callable[[Topic, Envelope], Awaitable[None]]
REQUESTS = topic("sms.outbound.requested.v1")


class PlanView(BaseModel):
    """What sending a message does: its encoding, segments and the requests to the carrier."""

    model_config = ConfigDict(frozen=True)

    encoding: str
    segments: int
    parts: int
    recipients: list[str]
    number_type: str
    segments_per_second: float
    carrier_profile_id: str | None
    carrier: str | None


class TransitionView(BaseModel):
    model_config = ConfigDict(frozen=True)

    state: str
    at: datetime
    code: str | None = None
    reason: str | None = None


class MessageView(BaseModel):
    model_config = ConfigDict(frozen=True)

    message_id: str
    from_number: str
    to: list[str]
    state: str
    code: str | None
    reason: str | None
    encoding: str | None
    segments: int | None
    carrier: str | None
    carrier_profile_id: str | None
    carrier_ids: list[str]
    history: list[TransitionView]
    created_at: datetime
    due_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True)
class SendingSettings:
    validity_seconds: int = 10 * 3600
    queue_hours: float = 10.0


class Sending:
    def __init__(
        self,
        read_models: ReadModels,
        consent: Consent,
        profiles: Profiles,
        messages: Messages,
        carriers: Mapping[str, CarrierAdapter],
        desk: Desk,
        publish: Publish,
        clock: Clock,
        settings: SendingSettings,
    ) -> None:
        self.publish = publish
        self.read_models = read_models
        self.consent = consent
        self.profiles = profiles
        self.messages = messages
        self.carriers = carriers
        self.desk = desk
        self.clock = clock
        self.settings = settings

    async def plan_view(self, tenant: str, payload: SendMessage) -> PlanView:
        """What sending the message would do as things stand now; ``SendRefused`` if it cannot go."""
        request = send_request(payload)
        facts, profile = await self.facts(tenant, request)
        outcome = plan(request, facts)
        if isinstance(outcome, Refusal):
            raise SendRefused(outcome.code, outcome.detail)
        return PlanView(
            encoding=outcome.encoding,
            segments=outcome.segments,
            parts=len(outcome.parts),
            recipients=list(outcome.recipients),
            number_type=outcome.number_type,
            segments_per_second=outcome.segments_per_second,
            carrier_profile_id=profile.profile_id if profile else None,
            carrier=profile.carrier if profile else None,
        )

    async def send(self, tenant: str, payload: SendMessage) -> tuple[PlanView, datetime]:
        """Plan the message now (``SendRefused`` if it cannot go), then put its request on the
        requests topic for the sending number's consumer; the plan and when it was accepted."""
        planned = await self.plan_view(tenant, payload)
        envelope = Envelope.wrap(
            payload,
            source=events.SOURCE,
            subject=payload.from_number,
            tenant=tenant,
            correlation_id=payload.message_id,
            # The same message id is the same record: a retried POST publishes one message.
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"textbus:{tenant}/{payload.message_id}"),
            time=self.clock(),
        )
        await self.publish(REQUESTS, envelope)
        return planned, envelope.time

    async def view(self, tenant: str, message_id: str) -> MessageView | None:
        message = await self.messages.get(message_key(tenant, message_id))
        if message is None:
            return None
        return MessageView(
            message_id=message.message_id,
            from_number=message.from_number,
            to=list(message.to),
            state=message.state,
            code=message.code,
            reason=message.reason,
            encoding=message.encoding,
            segments=message.segments,
            carrier=message.carrier,
            carrier_profile_id=message.profile_id,
            carrier_ids=list(message.carrier_ids),
            history=[
                TransitionView(state=h.state, at=h.at, code=h.code, reason=h.reason) for h in message.history
            ],
            created_at=message.created_at,
            due_at=message.due_at,
            expires_at=message.expires_at,
        )

    async def facts(self, tenant: str, request: SendRequest) -> tuple[SendFacts, Profile | None]:
        models = self.read_models
        sender = request.sender
        # Independent reads, at once: a number's requests are taken one after the other.
        known, group_texting, sender_groups, internal, opted_out = await asyncio.gather(
            models.number(request.from_number),
            models.group_texting(tenant),
            models.groups_of(tenant, sender.id) if sender.kind == "user" and sender.id else _no_groups(),
            models.on_platform(request.recipients),
            self.consent.opted_out(tenant, request.recipients),
        )
        number = None
        profile = None
        if known is not None and known.tenant == tenant:
            project, found = await asyncio.gather(
                models.project_of(tenant, known.number),
                self.profiles.get(known.carrier_profile_id) if known.carrier_profile_id else _no_profile(),
            )
            number = SendingNumber(
                number=known.number,
                sms_capable=known.sms_capable,
                active=known.active,
                carrier_profile_id=known.carrier_profile_id,
                assignee_kind=known.assignee_kind,  # type: ignore[arg-type]
                assignee_id=known.assignee_id,
                project_id=project,
            )
            profile = found if found is not None and found.tenant == tenant else None
        facts = SendFacts(
            number=number,
            profile=self._profile_facts(profile) if profile else None,
            group_texting_enabled=group_texting,
            sender_groups=sender_groups,
            internal_recipients=internal,
            opted_out=opted_out,
        )
        return facts, profile

    def _profile_facts(self, profile: Profile) -> ProfileFacts | None:
        adapter = self.carriers.get(profile.carrier)
        if adapter is None:
            return None
        capabilities = adapter.capabilities
        types = tuple(DEFAULT_SEGMENTS_PER_SECOND)
        return ProfileFacts(
            profile_id=profile.profile_id,
            carrier_kind=profile.carrier,
            carrier_group_texting=capabilities.group_texting,
            carrier_max_text=capabilities.max_text,
            nanp_only=capabilities.nanp_only,
            media_limits={t: media_limits(profile, t, capabilities.max_media) for t in types},
            segments_per_second={
                t: profile.number_rates.get(t, DEFAULT_SEGMENTS_PER_SECOND[t]) for t in types
            },
        )

    async def take(self, envelope: Envelope, partition: int) -> OutboundMessage:
        """The consumer's step: plan the request and store the message refused or queued (once per
        id: a request whose id the tenant used already changes nothing)."""
        payload = envelope.data
        assert isinstance(payload, SendMessage)
        tenant = envelope.tenant
        request = send_request(payload)
        facts, profile = await self.facts(tenant, request)
        now = self.clock()
        message = OutboundMessage(
            tenant=tenant,
            message_id=payload.message_id,
            from_number=payload.from_number,
            to=tuple(payload.to),
            text=payload.text,
            media=request.media,
            sender_kind=payload.sender.kind,
            sender_id=payload.sender.id,
            requested_by=payload.requested_by,
            state="accepted",
            history=(Transition("accepted", now),),
            created_at=now,
            partition=partition,
        )
        published: list[Event] = []
        paced: PacerState | None = None
        outcome = plan(request, facts)
        if isinstance(outcome, Refusal):
            message, published = move(message, "refused", now, outcome.code, outcome.detail)
        else:
            message, published, paced = self._queue(message, outcome, profile, payload, now)
        published = [events.status_changed(message, message.history[0], None), *published]
        # The insert is what makes the same id twice one message: only a new one takes its pace.
        if not await self.messages.create(message, published):
            existing = await self.messages.get(message_key(tenant, payload.message_id))
            return existing or message
        if message.state == "queued" and paced is not None:
            self.desk.paced(message.from_number, paced)
            self.desk.enqueue(message)
        return message

    def _queue(
        self,
        message: OutboundMessage,
        planned: Plan,
        profile: Profile | None,
        payload: SendMessage,
        now: datetime,
    ) -> tuple[OutboundMessage, list[Event], PacerState | None]:
        """Queued at the number's pace (and the pace after it), or refused when its queue is full."""
        assert profile is not None
        rate = planned.segments_per_second
        pacer = self.desk.pacer(message.from_number)
        cap = timedelta(hours=self.settings.queue_hours)
        if pacing.queue_full(pacer, now, rate, cap, segments=planned.segments):
            return *move(
                message,
                "refused",
                now,
                "queue-full",
                f"{message.from_number} already has {self.settings.queue_hours:g} hours of messages "
                "queued at its rate",
            ), None
        due, paced = pacing.schedule(pacer, now, planned.segments, rate)
        validity = payload.validity_seconds or self.settings.validity_seconds
        queued = message.but(
            profile_id=profile.profile_id,
            carrier=profile.carrier,
            encoding=planned.encoding,
            segments=planned.segments,
            number_type=planned.number_type,
            parts=tuple(Part(text=text) for text in planned.parts),
            due_at=due,
            expires_at=now + timedelta(seconds=validity),
            segments_per_second=rate,
        )
        return *move(queued, "queued", now), paced


def media_limits(profile: Profile, number_type: str, carrier_max_media: int) -> MediaLimits:
    """The profile's MMS limits for a number type as the provider set them, else the defaults; never
    more files than the carrier's API takes."""
    configured: dict[str, Any] | None = profile.mms_limits.get(number_type)
    if not configured:
        limits = default_media_limits(profile.carrier, number_type)  # type: ignore[arg-type]
    else:
        limits = MediaLimits(
            max_total_bytes=configured["max_total_bytes"],
            max_file_bytes=configured.get("max_file_bytes") or configured["max_total_bytes"],
            max_count=configured["max_count"],
            content_types=frozenset(configured["content_types"]),
        )
    return replace(limits, max_count=min(limits.max_count, carrier_max_media))


def send_request(payload: SendMessage) -> SendRequest:
    return SendRequest(
        message_id=payload.message_id,
        from_number=payload.from_number,
        recipients=tuple(payload.to),
        text=payload.text,
        media=tuple(MediaItem(m.url, m.content_type, m.size_bytes) for m in payload.media),
        sender=Sender(payload.sender.kind, payload.sender.id),
    )


async def _no_groups() -> frozenset[str]:
    return frozenset()


async def _no_profile() -> Profile | None:
    return None
