"""Moving a message along the one state machine (domain/status.py), with the events each move
publishes. A move the machine refuses (backwards, or out of a final state) changes nothing."""

from __future__ import annotations

from datetime import datetime

from textbus.carrier_gateway.domain.status import advance
from textbus.carrier_gateway.service import events
from textbus.carrier_gateway.service.model import OutboundMessage, Transition
from textbus.carrier_gateway.service.ports import Event


def move(
    message: OutboundMessage,
    state: str,
    at: datetime,
    code: str | None = None,
    reason: str | None = None,
) -> tuple[OutboundMessage, list[Event]]:
    """The message in ``state`` (if the machine allows it) and the events to publish with it."""
    to = advance(message.state, state)  # type: ignore[arg-type]
    if to is None:
        return message, []
    change = Transition(to, at, code, reason)
    moved = message.but(
        state=to,
        history=(*message.history, change),
        code=code if code is not None else message.code,
        reason=reason if reason is not None else message.reason,
    )
    published = [events.status_changed(moved, change, message.state)]
    if to in ("submitted", "sent") and not any(h.state in ("submitted", "sent") for h in message.history):
        published.append(events.activity(moved, change))
    return moved, published
