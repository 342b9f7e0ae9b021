"""sms.outbound.requested.v1 and sms.outbound.status.v1: a text to send, and what became of it.

A send request is keyed by the sending number, so one consumer plans, paces and submits every
message of a number in order. The requester chooses the message id: the same id twice (per
tenant) is one message. Every change of a message's state is one ``MessageStatusChanged``, keyed
by the sending number, in the order of the one state machine (never backwards).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from textbus.contracts.common import E164, Id
from textbus.contracts.envelope import Payload

MessageState = Literal[
    "accepted",
    "refused",
    "queued",
    "submitted",
    "sent",
    "delivered",
    "undelivered",
    "failed",
    "expired",
    "submit-unknown",
]
SenderKind = Literal["user", "group", "project", "mailroom"]


class Sender(BaseModel):
    """Who sends: a user (through a number assigned to them or to a group they belong to), a group,
    a project (its own number or an org number), or the mailroom (an org number)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: SenderKind
    id: Id | None = Field(default=None, description="The user, group or project id; none for the mailroom.")

    @model_validator(mode="after")
    def _named_unless_the_mailroom(self) -> Sender:
        if (self.id is None) != (self.kind == "mailroom"):
            raise ValueError("a user, group or project sender has an id; the mailroom has none")
        return self


class MediaItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    url: str = Field(max_length=2000, pattern=r"^https?://", description="Where the carrier fetches it.")
    content_type: str = Field(max_length=100, description="e.g. image/jpeg.")
    size_bytes: int = Field(ge=0, le=100_000_000)


class SendMessage(Payload):
    """Send a text (SMS, or MMS with media) from one of the tenant's numbers to one recipient, or
    to several as one group text."""

    TYPE: ClassVar[str] = "textbus.outbound.SendMessage.v1"

    message_id: Id = Field(description="Chosen by the requester; the same id twice is one message.")
    from_number: E164 = Field(description="The sending number; the record's key.")
    to: list[E164] = Field(min_length=1, max_length=10, description="Several recipients: a group text.")
    text: str = Field(default="", max_length=10_000)
    media: list[MediaItem] = Field(default_factory=list, max_length=10)
    sender: Sender
    requested_by: Id = Field(description="The user or system that asked.")
    validity_seconds: int | None = Field(
        default=None, ge=60, le=14 * 24 * 3600, description="Expire it if still queued this long."
    )


class MessageStatusChanged(Payload):
    """A message moved forward in the state machine; the record's key is the sending number."""

    TYPE: ClassVar[str] = "textbus.outbound.MessageStatusChanged.v1"

    message_id: Id
    from_number: E164
    to: list[E164]
    state: MessageState
    previous_state: MessageState | None = None
    at: datetime
    profile_id: Id | None = None
    carrier: str | None = None
    carrier_ids: list[str] = Field(default_factory=list, description="The carrier's id(s) of the message.")
    encoding: Literal["GSM-7", "UCS-2"] | None = None
    segments: int | None = None
    code: str | None = Field(default=None, description="Why: a refusal's code or the carrier's error code.")
    reason: str | None = None


class CarrierReceiptRecorded(Payload):
    """A carrier's status report, taken from its callback and made durable before the carrier is
    answered; the gateway's own record (sms.outbound.receipts.v1), applied by the sending
    number's consumer."""

    TYPE: ClassVar[str] = "textbus.outbound.CarrierReceiptRecorded.v1"

    message_id: Id
    from_number: E164
    profile_id: Id
    carrier_id: str = Field(max_length=200)
    status: Literal["sent", "delivered", "undelivered", "failed"]
    error_code: str | None = Field(default=None, max_length=100)
    reason: str | None = Field(default=None, max_length=1000)
    at: datetime
