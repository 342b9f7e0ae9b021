"""Telnyx's Messaging API v2: JSON POST to /v2/messages (or /v2/messages/group_mms for several
recipients) with a Bearer API key; events ``message.sent`` and ``message.finalized`` signed with
Ed25519 over ``"{telnyx-timestamp}|{raw body}"``."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import aiohttp
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import SecretStr

from textbus.carrier_gateway.adapters.carriers.http import Answer, call, iso_time, refusal
from textbus.carrier_gateway.adapters.carriers.reading import body_text, field, files, json_body
from textbus.carrier_gateway.service.carriers import (
    Accepted,
    CallbackAnswer,
    CallbackRequest,
    Capabilities,
    CarrierRefused,
    Credentials,
    InboundText,
    Receipt,
    ReceiptStatus,
    Submission,
    SubmitUnknown,
)

# Telnyx's SDKs refuse an event signed more than five minutes from now, either way.
REPLAY_WINDOW_SECONDS = 300

# payload.to[i].status in message.sent / message.finalized; queued and sending say nothing yet.
RECEIPT_STATUSES: dict[str, ReceiptStatus] = {
    "sent": "sent",
    "delivered": "delivered",
    "delivery_failed": "undelivered",  # the carrier took it and could not deliver it
    "sending_failed": "failed",  # it never left Telnyx
    # Sent, and the destination carrier gives no delivery reports: all we will ever know.
    "delivery_unconfirmed": "sent",
}
RECEIPT_EVENTS = frozenset({"message.sent", "message.finalized"})


class TelnyxCredentials(Credentials):
    api_key: SecretStr
    webhook_public_key: SecretStr  # base64 Ed25519 public key from the portal
    messaging_profile_id: str | None = None


def _credentials(credentials: Credentials) -> TelnyxCredentials:
    if not isinstance(credentials, TelnyxCredentials):
        raise TypeError(f"Telnyx needs TelnyxCredentials, not {type(credentials).__name__}")
    return credentials


def _auth(credentials: TelnyxCredentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.api_key.get_secret_value()}"}


def refused(answer: Answer) -> CarrierRefused:
    """Telnyx's error body: ``{"errors": [{code, title, detail, source}]}``; the first one decides."""
    if answer.status in (401, 403):
        return CarrierRefused("credentials-refused", f"Telnyx refused the API key ({answer.status})")
    body = answer.error_body()
    errors = body.get("errors")
    if not errors or not isinstance(errors[0], dict):
        return refusal(answer, None, None)
    first = errors[0]
    code = first.get("code")
    return refusal(answer, str(code) if code is not None else None, first.get("detail") or first.get("title"))


def accepted(answer: Answer) -> Accepted:
    """Telnyx's 200 ``{"data": {id, parts, ...}}``."""
    body = answer.json()
    try:
        message = body["data"]
        return Accepted((str(message["id"]),), segments=message.get("parts"))
    except (KeyError, TypeError) as error:
        raise SubmitUnknown("Telnyx's answer names no message id") from error


class TelnyxCarrier:
    kind = "telnyx"
    credentials: type[Credentials] = TelnyxCredentials
    # Group MMS has its own endpoint, /v2/messages/group_mms (up to 8 recipients).
    capabilities = Capabilities(group_texting=True, receipts=True, max_media=10)
    default_api_url = "https://api.telnyx.com"

    async def submit(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials, submission: Submission
    ) -> Accepted:
        telnyx = _credentials(credentials)
        body: dict[str, Any] = {"from": submission.sender, "webhook_url": submission.status_callback_url}
        if submission.text:
            body["text"] = submission.text
        if submission.media:
            body["media_urls"] = [media.url for media in submission.media]
        if len(submission.recipients) > 1:
            path, body["to"] = "/v2/messages/group_mms", list(submission.recipients)
        else:
            path, body["to"] = "/v2/messages", submission.recipients[0]
            if telnyx.messaging_profile_id:
                body["messaging_profile_id"] = telnyx.messaging_profile_id
        answer = await call(http, "POST", f"{api_url}{path}", json=body, headers=_auth(telnyx))
        if not answer.ok:
            raise refused(answer)
        return accepted(answer)

    async def check_credentials(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials
    ) -> None:
        answer = await call(http, "GET", f"{api_url}/v2/balance", headers=_auth(_credentials(credentials)))
        if not answer.ok:
            raise refused(answer)

    def authentic(self, request: CallbackRequest, credentials: Credentials) -> bool:
        stamp = request.headers.get("telnyx-timestamp", "")
        try:
            signed_at = int(stamp)
            signature = base64.b64decode(request.headers.get("telnyx-signature-ed25519", ""), validate=True)
            key = base64.b64decode(
                _credentials(credentials).webhook_public_key.get_secret_value(), validate=True
            )
            public_key = Ed25519PublicKey.from_public_bytes(key)
        except (ValueError, binascii.Error):
            return False
        if abs(request.received_at.timestamp() - signed_at) > REPLAY_WINDOW_SECONDS:
            return False
        try:
            public_key.verify(signature, stamp.encode() + b"|" + request.body)
        except InvalidSignature:
            return False
        return True

    def receipts(self, request: CallbackRequest) -> list[Receipt]:
        try:
            event = json.loads(request.body)["data"]
            event_type, payload = event["event_type"], event["payload"]
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError("a Telnyx event without data.event_type and data.payload") from error
        if event_type not in RECEIPT_EVENTS:
            return []
        if not isinstance(payload, dict) or "id" not in payload:
            raise ValueError(f"a Telnyx {event_type} without payload.id")
        errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
        error_code = str(errors[0]["code"]) if errors and errors[0].get("code") is not None else None
        reason = (errors[0].get("detail") or errors[0].get("title")) if errors else None
        sender = (payload.get("from") or {}).get("phone_number")
        at = iso_time(event.get("occurred_at"))
        receipts = []
        for recipient in payload.get("to") or []:
            status = (
                RECEIPT_STATUSES.get(str(recipient.get("status"))) if isinstance(recipient, dict) else None
            )
            if status is None:
                continue
            failed = status in ("undelivered", "failed")
            receipts.append(
                Receipt(
                    carrier_id=str(payload["id"]),
                    status=status,
                    error_code=error_code if failed else None,
                    reason=reason if failed else None,
                    sender=sender,
                    recipient=recipient.get("phone_number"),
                    at=at,
                )
            )
        return receipts

    def inbound(self, request: CallbackRequest) -> list[InboundText]:
        """Telnyx's ``message.received`` event: ``payload.from.phone_number``, ``to[]`` (our number
        first; the rest of a group text with ``cc[]``), ``text``, ``media[]`` {url, content_type,
        size}."""
        body = json_body(request)
        event = body.get("data") if isinstance(body, dict) else None
        if not isinstance(event, dict) or event.get("event_type") != "message.received":
            return []
        payload = event.get("payload")
        if not isinstance(payload, dict):
            raise ValueError("a Telnyx message.received without payload")
        sender = payload.get("from")
        to = [n for n in payload.get("to") or [] if isinstance(n, dict)]
        cc = [n for n in payload.get("cc") or [] if isinstance(n, dict)]
        if not isinstance(sender, dict) or not to:
            raise ValueError("a Telnyx message.received without from and to")
        return [
            InboundText(
                carrier_id=field(payload, "id"),
                sender=field(sender, "phone_number"),
                recipient=field(to[0], "phone_number"),
                text=body_text(payload),
                media=files(payload, "media", "content_type"),
                cc=tuple(field(n, "phone_number") for n in [*to[1:], *cc]),
                at=iso_time(payload.get("received_at")),
            )
        ]

    def replay_key(self, request: CallbackRequest) -> str | None:
        # The signature covers the timestamp: the same signature twice in the window is a replay.
        return request.headers.get("telnyx-signature-ed25519") or None

    def answer(self) -> CallbackAnswer:
        return CallbackAnswer()
