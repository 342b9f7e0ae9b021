"""The port every carrier adapter implements, and the values that cross it.

An adapter speaks one carrier's wire format (``adapters/carriers/<kind>.py``): it submits one
message, checks a profile's credentials, authenticates a callback the carrier's way and reads the
receipts and the inbound messages in it. It never logs, raises or returns a credential: errors carry the
carrier's code and a reason, nothing of the request that authenticated it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

import aiohttp
from pydantic import BaseModel, ConfigDict

from textbus.carrier_gateway.domain.media import MediaItem
from textbus.carrier_gateway.domain.segments import Encoding
from textbus.kit.outbound import RetryLater

# What a carrier says happened to a message after it took it; the state machine ranks them.
ReceiptStatus = Literal["sent", "delivered", "undelivered", "failed"]
# The domain's values, as the port carries them.
Media = MediaItem


class Credentials(BaseModel):
    """Base of each carrier kind's credentials (``SecretStr`` fields for the secret ones), kept
    encrypted at rest; ``extra="forbid"`` so a misspelled field is refused, not dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class Submission:
    """One request to the carrier: the whole text (the carrier splits it) unless the adapter's
    ``Capabilities.max_text`` says the carrier takes one segment at a time, then the plan's parts."""

    message_id: str
    part: int  # 1-based: which of our parts this is (1 when the carrier splits the text itself)
    sender: str  # E.164
    recipients: tuple[str, ...]  # E.164; several only for a group text
    text: str
    media: tuple[Media, ...]
    encoding: Encoding
    segments: int
    status_callback_url: str  # this profile's webhook on the gateway
    validity_seconds: int


@dataclass(frozen=True)
class Accepted:
    """The carrier took the message. ``carrier_ids``: its id(s) for it, one per part where the
    carrier counts parts itself (Vonage answers one message id per part)."""

    carrier_ids: tuple[str, ...]
    segments: int | None = None


class CarrierRefused(Exception):
    """A permanent refusal: retrying the same request cannot succeed (bad number, opted out,
    content too big, credentials refused). ``code`` is the carrier's own."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class CarrierBusy(RetryLater):
    """The carrier asked us to slow down (HTTP 429 or its own throttling code): retry after
    ``retry_after`` and slow the whole profile down, not only this message."""


class SubmitUnknown(Exception):
    """The request may have reached the carrier but no answer could be read (a timeout after the
    request was written, a cut connection, an unreadable answer): resending could send it twice."""


@dataclass(frozen=True)
class Receipt:
    """One status report from a carrier about one of its message ids (a part, for Vonage)."""

    carrier_id: str
    status: ReceiptStatus
    error_code: str | None = None
    reason: str | None = None
    sender: str | None = None  # E.164 of our number when the callback names it
    recipient: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class InboundMedia:
    """A file of an inbound MMS, where the carrier keeps it (http or https)."""

    url: str
    content_type: str | None = None
    size: int | None = None  # bytes, when the carrier says


@dataclass(frozen=True)
class Concatenated:
    """This inbound call is one part of a long text the carrier delivers in parts (Vonage
    ``concat-*``): the gateway joins the parts, in any order, before publishing the text."""

    reference: str  # the carrier's id of the whole text, the same in every part
    total: int
    part: int  # 1-based


@dataclass(frozen=True)
class InboundText:
    """One message a carrier delivered to one of our numbers."""

    carrier_id: str  # the carrier's id of the message (of this part, for a long text in parts)
    sender: str  # E.164
    recipient: str  # E.164: our number that received it
    text: str
    media: tuple[InboundMedia, ...] = ()
    cc: tuple[str, ...] = ()  # E.164: the other recipients of a group text
    at: datetime | None = None  # when the carrier received it, if it says
    part: Concatenated | None = None


@dataclass(frozen=True)
class CallbackRequest:
    """A carrier's HTTP call to the gateway, independent of the web framework. ``url`` is the
    public URL the carrier called (what it signed), ``headers`` have lower-case names."""

    method: str
    url: str
    headers: Mapping[str, str]
    query: Sequence[tuple[str, str]]
    body: bytes
    received_at: datetime


@dataclass(frozen=True)
class CallbackAnswer:
    status: int = 200
    content_type: str = "text/plain"
    body: bytes = b""


@dataclass(frozen=True)
class Capabilities:
    group_texting: bool = False  # several recipients in one message
    max_text: int | None = None  # the carrier takes at most this many characters per request
    receipts: bool = True  # the carrier reports delivery
    max_media: int = 10  # files in one message, as the carrier's API takes them
    nanp_only: bool = False  # the carrier texts US and Canadian 10-digit numbers only
    # The carrier retries a callback answered with a 4xx (as with a 5xx): an unreadable one is
    # then dead-lettered and answered 2xx, or it would come back for a day.
    retries_refused_callbacks: bool = False


class CarrierAdapter(Protocol):
    # Read-only, so that an adapter's own Credentials subclass (a class attribute) satisfies them.
    @property
    def kind(self) -> str: ...
    @property
    def credentials(self) -> type[Credentials]: ...
    @property
    def capabilities(self) -> Capabilities: ...
    @property
    def default_api_url(self) -> str: ...

    async def submit(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials, submission: Submission
    ) -> Accepted:
        """Send one submission; ``Accepted``, or raise ``CarrierRefused``, ``RetryLater``
        (``CarrierBusy`` for 429), or ``SubmitUnknown``."""
        ...

    async def check_credentials(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials
    ) -> None:
        """Ask the carrier whether the credentials are good (a cheap authenticated read);
        ``CarrierRefused`` if it refuses them, ``RetryLater`` if it cannot say now."""
        ...

    def authentic(self, request: CallbackRequest, credentials: Credentials) -> bool:
        """Whether the callback is the carrier's, checked its way (signature, basic credentials,
        a secret in the URL); constant-time comparisons; a replay window where the scheme has one."""
        ...

    def receipts(self, request: CallbackRequest) -> list[Receipt]:
        """The status receipts in an authentic callback (empty if it carries none, e.g. an inbound
        message); ``ValueError`` with a reason if it is malformed."""
        ...

    def answer(self) -> CallbackAnswer:
        """What the carrier expects back once the callback is durably recorded."""
        ...


class InboundReader(Protocol):
    """What an adapter adds to read inbound texts (#12). So far the sandbox's; it joins
    ``CarrierAdapter`` once every carrier kind reads its own inbound format."""

    def inbound(self, request: CallbackRequest) -> list[InboundText]:
        """The inbound messages in an authentic callback (empty if it carries none, e.g. a status
        receipt); ``ValueError`` with a reason if it is malformed: numbers not E.164, media URLs
        not http(s), text not UTF-8, fields missing."""
        ...

    def replay_key(self, request: CallbackRequest) -> str | None:
        """A key naming this signed request, for schemes whose signature covers a timestamp (or a
        nonce): the same key twice within the replay window is a replay. None where the scheme
        cannot tell a replay from a carrier's retry."""
        ...
