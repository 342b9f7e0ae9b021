"""Bandwidth's Messaging API v2: JSON POST to /api/v2/users/{accountId}/messages with HTTP Basic
(API user), answered 202; status callbacks go to the application's callback URL (the API takes no
per-message one) as a JSON array of events, with the application's callback Basic credentials."""

from __future__ import annotations

import hmac
import json
from datetime import timedelta
from typing import Any

import aiohttp
from pydantic import SecretStr

from textbus.carrier_gateway.adapters.carriers.http import Answer, call, iso_time, refusal
from textbus.carrier_gateway.adapters.carriers.reading import body_text, field, json_body
from textbus.carrier_gateway.service.carriers import (
    Accepted,
    CallbackAnswer,
    CallbackRequest,
    Capabilities,
    CarrierRefused,
    Credentials,
    InboundMedia,
    InboundText,
    Receipt,
    ReceiptStatus,
    Submission,
    SubmitUnknown,
)
from textbus.kit.clock import Clock, utc_now

# message-sending (ours on the way) and message-received (inbound) are not receipts.
RECEIPT_TYPES: dict[str, ReceiptStatus] = {
    "message-sent": "sent",
    "message-delivered": "delivered",
    "message-read": "delivered",  # RBM only, and only after delivery
    # Bandwidth has one failure event, before or after the handoff; errorCode tells which.
    "message-failed": "failed",
}


class BandwidthCredentials(Credentials):
    account_id: str
    application_id: str
    username: str
    password: SecretStr
    callback_username: str
    callback_password: SecretStr


def _credentials(credentials: Credentials) -> BandwidthCredentials:
    if not isinstance(credentials, BandwidthCredentials):
        raise TypeError(f"Bandwidth needs BandwidthCredentials, not {type(credentials).__name__}")
    return credentials


def _auth(credentials: BandwidthCredentials) -> dict[str, str]:
    return {
        "Authorization": aiohttp.encode_basic_auth(
            credentials.username, credentials.password.get_secret_value()
        )
    }


def refused(answer: Answer) -> CarrierRefused:
    """Bandwidth's error body: ``{type, description, fieldErrors?: [{fieldName, description}]}``;
    its code is the ``type`` (``request-validation``...), the field errors join the reason."""
    if answer.status in (401, 403):
        return CarrierRefused("credentials-refused", f"Bandwidth refused the API user ({answer.status})")
    body = answer.error_body()
    fields = [
        f"{error.get('fieldName')}: {error.get('description')}"
        for error in body.get("fieldErrors") or []
        if isinstance(error, dict)
    ]
    reason = "; ".join(filter(None, [body.get("description"), *fields])) or None
    return refusal(answer, body.get("type"), reason)


def accepted(answer: Answer) -> Accepted:
    """Bandwidth's 202 Message: its ``id`` and ``segmentCount``."""
    message = answer.json()
    try:
        return Accepted((str(message["id"]),), segments=message.get("segmentCount"))
    except (KeyError, TypeError) as error:
        raise SubmitUnknown("Bandwidth's answer names no message id") from error


def _receipt(event: Any) -> Receipt | None:
    if not isinstance(event, dict) or "type" not in event:
        raise ValueError("a Bandwidth callback event without a type")
    status = RECEIPT_TYPES.get(event["type"])
    if status is None:
        return None
    message = event.get("message")
    if not isinstance(message, dict) or "id" not in message:
        raise ValueError(f"a Bandwidth {event['type']} without message.id")
    code = event.get("errorCode")
    return Receipt(
        carrier_id=str(message["id"]),
        status=status,
        error_code=str(code) if code is not None else None,
        reason=event.get("description") if status == "failed" else None,
        sender=message.get("from"),
        recipient=event.get("to"),
        at=iso_time(event.get("time")),
    )


def _inbound(event: Any) -> InboundText | None:
    """A ``message-received`` event: ``message.owner`` is our number, ``message.to`` every
    recipient of a group text (ours among them), ``message.media`` the files' URLs."""
    if not isinstance(event, dict) or event.get("type") != "message-received":
        return None
    message = event.get("message")
    if not isinstance(message, dict):
        raise ValueError("a Bandwidth message-received without message")
    ours = field(message, "owner")
    to = message.get("to") or []
    media = message.get("media") or []
    if not isinstance(to, list) or not all(isinstance(n, str) for n in to):
        raise ValueError("a Bandwidth message's to is a list of numbers")
    if not isinstance(media, list) or not all(isinstance(url, str) for url in media):
        raise ValueError("a Bandwidth message's media is a list of URLs")
    return InboundText(
        carrier_id=field(message, "id"),
        sender=field(message, "from"),
        recipient=ours,
        text=body_text(message),
        media=tuple(InboundMedia(url) for url in media),
        cc=tuple(n for n in to if n != ours),
        at=iso_time(message.get("time")),
    )


class BandwidthCarrier:
    kind = "bandwidth"
    credentials: type[Credentials] = BandwidthCredentials
    # Several numbers in ``to`` make a group MMS.
    # Bandwidth retries a callback that is not answered 2xx, for up to 24 hours.
    capabilities = Capabilities(
        group_texting=True, receipts=True, max_media=10, retries_refused_callbacks=True
    )
    default_api_url = "https://messaging.bandwidth.com"

    def __init__(self, clock: Clock = utc_now) -> None:
        self.clock = clock

    async def submit(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials, submission: Submission
    ) -> Accepted:
        bandwidth = _credentials(credentials)
        body: dict[str, Any] = {
            "applicationId": bandwidth.application_id,
            "to": list(submission.recipients),
            "from": submission.sender,
            "tag": submission.message_id,  # echoed in every callback about it
            "expiration": (self.clock() + timedelta(seconds=submission.validity_seconds)).isoformat(),
        }
        if submission.text:
            body["text"] = submission.text
        if submission.media:
            body["media"] = [media.url for media in submission.media]
        answer = await call(
            http,
            "POST",
            f"{api_url}/api/v2/users/{bandwidth.account_id}/messages",
            json=body,
            headers=_auth(bandwidth),
        )
        if not answer.ok:
            raise refused(answer)
        return accepted(answer)

    async def check_credentials(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials
    ) -> None:
        bandwidth = _credentials(credentials)
        answer = await call(
            http, "GET", f"{api_url}/api/v2/users/{bandwidth.account_id}/media", headers=_auth(bandwidth)
        )
        if not answer.ok:
            raise refused(answer)

    def authentic(self, request: CallbackRequest, credentials: Credentials) -> bool:
        bandwidth = _credentials(credentials)
        expected = aiohttp.encode_basic_auth(
            bandwidth.callback_username, bandwidth.callback_password.get_secret_value()
        )
        return hmac.compare_digest(request.headers.get("authorization", "").encode(), expected.encode())

    def receipts(self, request: CallbackRequest) -> list[Receipt]:
        try:
            body = json.loads(request.body)
        except ValueError as error:
            raise ValueError("a Bandwidth callback that is not JSON") from error
        # Bandwidth posts an array; its OpenAPI examples show the single event.
        events = body if isinstance(body, list) else [body]
        return [receipt for event in events if (receipt := _receipt(event)) is not None]

    def inbound(self, request: CallbackRequest) -> list[InboundText]:
        body = json_body(request)
        events = body if isinstance(body, list) else [body]
        return [text for event in events if (text := _inbound(event)) is not None]

    def replay_key(self, request: CallbackRequest) -> str | None:
        return None  # basic credentials, no timestamp: a replay is a retry

    def answer(self) -> CallbackAnswer:
        return CallbackAnswer()
