"""Carriers' status callbacks: authenticated the carrier's way, made durable on
``sms.outbound.receipts.v1`` (acks=all) before the carrier is answered, then applied by the
sending number's consumer (``apply_receipt``) to the one state machine.

The callback URL the gateway gives a carrier names our message (``?m=<message id>``), so a
receipt finds its message even before the submit's answer was recorded; for a carrier with one
callback URL per application (Bandwidth) the receipt's carrier id finds it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import parse_qsl, urlsplit

from textbus.carrier_gateway.domain.status import advance, aggregate
from textbus.carrier_gateway.service.carriers import CallbackAnswer, CallbackRequest, CarrierAdapter
from textbus.carrier_gateway.service.desk import Desk
from textbus.carrier_gateway.service.errors import (
    CallbackMalformed,
    CallbackRefused,
    ProfileNotFound,
    UnknownCallback,
)
from textbus.carrier_gateway.service.events import SOURCE
from textbus.carrier_gateway.service.model import OutboundMessage, Part, message_key
from textbus.carrier_gateway.service.ports import Messages, Profiles
from textbus.carrier_gateway.service.transitions import move
from textbus.contracts import Envelope, Topic, topic
from textbus.contracts.outbound.v1 import CarrierReceiptRecorded
from textbus.kit.clock import Clock

RECEIPTS = topic("sms.outbound.receipts.v1")
_IDS = uuid.UUID("9a3c2b1e-5d4f-4e6a-8b7c-0d1e2f3a4b5c")
Publish = Callable[[Topic, Envelope], Awaitable[None]]
MESSAGE_PARAMETER = "m"


class ReceiptForUnknownMessage(LookupError):
    """A durable receipt whose message is not (or no longer) here: dead-lettered with the reason."""


class Callbacks:
    def __init__(
        self,
        profiles: Profiles,
        messages: Messages,
        carriers: Mapping[str, CarrierAdapter],
        publish: Publish,
        find_by_carrier_id: Callable[[str, str], Awaitable[OutboundMessage | None]],
        clock: Clock,
    ) -> None:
        self.profiles = profiles
        self.messages = messages
        self.carriers = carriers
        self.publish = publish
        self.find_by_carrier_id = find_by_carrier_id
        self.clock = clock

    async def take(self, profile_id: str, request: CallbackRequest) -> CallbackAnswer:
        """Authenticate a carrier's callback and make its receipts durable; what to answer it."""
        profile = await self.profiles.get(profile_id)
        adapter = self.carriers.get(profile.carrier) if profile else None
        if profile is None or adapter is None:
            raise ProfileNotFound(f"no carrier profile {profile_id!r}")
        if not adapter.authentic(request, profile.credentials):
            raise CallbackRefused("the callback is not signed by the profile's carrier, or is stale")
        try:
            receipts = adapter.receipts(request)
        except ValueError as error:
            raise CallbackMalformed(str(error)) from None
        named = dict(parse_qsl(urlsplit(request.url).query)).get(MESSAGE_PARAMETER)
        for receipt in receipts:
            message = await self.messages.get(message_key(profile.tenant, named)) if named else None
            if message is None or message.profile_id != profile.profile_id:
                message = await self.find_by_carrier_id(profile.profile_id, receipt.carrier_id)
            if message is None:
                raise UnknownCallback(
                    f"profile {profile_id!r} sent no message with carrier id {receipt.carrier_id!r}"
                )
            payload = CarrierReceiptRecorded(
                message_id=message.message_id,
                from_number=message.from_number,
                profile_id=profile.profile_id,
                carrier_id=receipt.carrier_id,
                status=receipt.status,
                error_code=receipt.error_code,
                reason=receipt.reason,
                at=receipt.at or request.received_at,
            )
            envelope = Envelope.wrap(
                payload,
                source=SOURCE,
                subject=message.from_number,
                tenant=profile.tenant,
                correlation_id=message.message_id,
                # The same report twice (carriers retry) is one record for the consumer's dedupe.
                id=uuid.uuid5(_IDS, f"{profile.profile_id}/{receipt.carrier_id}/{receipt.status}"),
                time=request.received_at,
            )
            await self.publish(RECEIPTS, envelope)
        return adapter.answer()


async def apply_receipt(desk: Desk, messages: Messages, envelope: Envelope) -> None:
    """Move the message by a carrier's receipt; a late or repeated one changes nothing."""
    receipt = envelope.data
    assert isinstance(receipt, CarrierReceiptRecorded)
    key = message_key(envelope.tenant, receipt.message_id)
    async with desk.lock(key):
        message = await messages.get(key)
        if message is None:
            raise ReceiptForUnknownMessage(f"no message {receipt.message_id!r} in {envelope.tenant!r}")
        parts = list(message.parts)
        index = next((i for i, p in enumerate(parts) if receipt.carrier_id in p.carrier_ids), None)
        if index is None:
            # The carrier took it but its answer never reached us (submit-unknown): now we know its id.
            index = min(message.next_part, len(parts) - 1)
            part = parts[index]
            parts[index] = Part(
                part.text, (*part.carrier_ids, receipt.carrier_id), dict(part.states), part.segments
            )
        part = parts[index]
        current = part.states.get(receipt.carrier_id, "submitted")
        moved = advance(current, receipt.status)  # type: ignore[arg-type]
        if moved is None:
            return
        parts[index] = Part(
            part.text, part.carrier_ids, {**part.states, receipt.carrier_id: moved}, part.segments
        )
        updated = message.but(parts=tuple(parts))
        states = [s for p in parts for s in (p.states.values() or ["submitted"])]
        proposed = aggregate(states)  # type: ignore[arg-type]
        final, published = move(updated, proposed, receipt.at, receipt.error_code, receipt.reason)
        await messages.save(final, published)
