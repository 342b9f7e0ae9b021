"""sms.inbound.callbacks.v1 and sms.inbound.received.v1: a text a carrier delivered to one of our
numbers, first as the gateway recorded it from the carrier's webhook, then as one normalized,
de-duplicated message for the inbound router.

Both are keyed by the receiving number. The webhook makes a ``CarrierMessageRecorded`` durable
(acks=all) before it answers the carrier; the receiving number's consumer checks the number,
drops what it has already taken (carriers retry and duplicate), joins long texts that arrive in
parts, and publishes one ``InboundMessageReceived`` per message.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from textbus.contracts.common import E164, Id
from textbus.contracts.envelope import Payload


class ReceivedMedia(BaseModel):
    """A file of an MMS, where the carrier keeps it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    url: str = Field(max_length=2000, pattern=r"^https?://")
    content_type: str | None = Field(default=None, max_length=100, description="e.g. image/jpeg, if said.")
    size_bytes: int | None = Field(default=None, ge=0, description="If the carrier says.")


class PartOfLongText(BaseModel):
    """The call carried one part of a long text the carrier delivers in parts (Vonage concat)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    reference: str = Field(max_length=200, description="The carrier's id of the whole text.")
    total: int = Field(ge=2, le=255)
    part: int = Field(ge=1, le=255)


class CarrierMessageRecorded(Payload):
    """One inbound message (or part) from a carrier's webhook, authentic and well-formed, recorded
    before the carrier was answered; internal to the gateway."""

    TYPE: ClassVar[str] = "textbus.inbound.CarrierMessageRecorded.v1"

    profile_id: Id
    carrier: str = Field(max_length=50)
    carrier_message_id: str = Field(min_length=1, max_length=200)
    from_number: E164
    to_number: E164 = Field(description="Our number that received it; the record's key.")
    cc: list[E164] = Field(default_factory=list, max_length=20)
    text: str = Field(default="", max_length=20_000)
    media: list[ReceivedMedia] = Field(default_factory=list, max_length=20)
    part: PartOfLongText | None = None
    carrier_time: datetime | None = Field(default=None, description="When the carrier says it got it.")
    received_at: datetime = Field(description="When the gateway took the webhook.")


class InboundMessageReceived(Payload):
    """A text one of the tenant's numbers received, once per carrier message: for the router."""

    TYPE: ClassVar[str] = "textbus.inbound.InboundMessageReceived.v1"

    message_id: Id = Field(description="Ours, derived from the profile and the carrier's id.")
    profile_id: Id
    carrier: str = Field(max_length=50)
    carrier_message_ids: list[str] = Field(
        min_length=1, description="The carrier's id of the message, or of each part of a long text."
    )
    from_number: E164
    to_number: E164 = Field(description="Our number that received it; the record's key.")
    cc: list[E164] = Field(default_factory=list, description="The group text's other recipients.")
    text: str = ""
    encoding: Literal["GSM-7", "UCS-2"]
    segments: int = Field(ge=1)
    media: list[ReceivedMedia] = Field(default_factory=list)
    complete: bool = Field(
        default=True, description="False: parts of a long text never arrived; this is what did."
    )
    received_at: datetime = Field(description="When the gateway took the (first) webhook.")
