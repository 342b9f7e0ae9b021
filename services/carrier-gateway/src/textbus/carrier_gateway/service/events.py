"""The events a message's changes publish: a status change for every transition (ids derived from
the message and the state, so a relay or a redone transition publishes the same event twice,
which consumers drop), and the number's activity once the carrier took the message."""

from __future__ import annotations

import uuid

from textbus.carrier_gateway.service.model import OutboundMessage, Transition
from textbus.carrier_gateway.service.ports import Event
from textbus.contracts import Envelope, topic
from textbus.contracts.activity.v1 import NumberActivity
from textbus.contracts.outbound.v1 import MessageStatusChanged

SOURCE = "carrier-gateway"
_IDS = uuid.UUID("2f6f1d8e-3b7e-4a43-9d0e-6c1b8a52e7a1")
STATUS = topic("sms.outbound.status.v1")
ACTIVITY = topic("sms.activity.v1")


def status_changed(message: OutboundMessage, change: Transition, previous: str | None) -> Event:
    payload = MessageStatusChanged(
        message_id=message.message_id,
        from_number=message.from_number,
        to=list(message.to),
        state=change.state,  # type: ignore[arg-type]
        previous_state=previous,  # type: ignore[arg-type]
        at=change.at,
        profile_id=message.profile_id,
        carrier=message.carrier,
        carrier_ids=list(message.carrier_ids),
        encoding=message.encoding,
        segments=message.segments,
        code=change.code,
        reason=change.reason,
    )
    return STATUS, _envelope(message, payload, f"{message.key}/status/{change.state}", change)


def activity(message: OutboundMessage, change: Transition) -> Event:
    payload = NumberActivity(
        number=message.from_number, direction="outbound", message_id=message.message_id, at=change.at
    )
    return ACTIVITY, _envelope(message, payload, f"{message.key}/activity", change)


def _envelope(
    message: OutboundMessage, payload: MessageStatusChanged | NumberActivity, name: str, change: Transition
) -> Envelope:
    return Envelope.wrap(
        payload,
        source=SOURCE,
        subject=message.from_number,
        tenant=message.tenant,
        correlation_id=message.message_id,
        id=uuid.uuid5(_IDS, name),
        time=change.at,
    )
