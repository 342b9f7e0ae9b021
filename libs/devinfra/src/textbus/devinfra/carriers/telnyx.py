"""Telnyx's Messaging API v2 as its API reference and telnyx-python describe it: Bearer API key,
JSON requests to /v2/messages and /v2/messages/group_mms, 200 with ``{"data": message}``, errors as
``{"errors": [{code, title, detail}]}``, and ``message.sent`` / ``message.finalized`` events posted
to the message's webhook_url, signed with the account's Ed25519 key."""

from __future__ import annotations

import base64
import hmac
import json
import re
import time
import uuid
from typing import Any

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from textbus.devinfra.carriers.simulator import (
    CarrierSimulator,
    InboundMessage,
    Outcome,
    SentMessage,
    WebhookRequest,
    delivered,
)
from textbus.devinfra.carriers.twilio import segments

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
MAX_MEDIA = 10
MAX_GROUP = 8
MAX_PARTS = 10  # Telnyx refuses a text longer than ten parts
# The outcome of the simulator as Telnyx's recipient status, and the error it reports with it.
FINAL_STATUS = {"delivered": "delivered", "undelivered": "delivery_failed", "failed": "sending_failed"}
FINAL_ERROR = {
    "undelivered": {
        "code": "40008",
        "title": "Undeliverable",
        "detail": "The carrier did not accept the message.",
    },
    "failed": {"code": "40001", "title": "Not routable", "detail": "The destination is not routable."},
}


def _error(status: int, code: str, title: str, detail: str, pointer: str | None = None) -> web.Response:
    error: dict[str, Any] = {"code": code, "title": title, "detail": detail}
    if pointer:
        error["source"] = {"pointer": pointer}
    return web.json_response({"errors": [error]}, status=status)


class TelnyxSimulator(CarrierSimulator):
    kind = "telnyx"

    def __init__(
        self, api_key: str, *, callback_delay_seconds: float = 0.02, outcome: Outcome = delivered
    ) -> None:
        self.api_key = api_key
        self._signing_key = Ed25519PrivateKey.generate()
        self.opted_out: set[str] = set()
        super().__init__(callback_delay_seconds=callback_delay_seconds, outcome=outcome)

    @property
    def public_key_b64(self) -> str:
        """The key the portal shows for checking webhook signatures."""
        raw = self._signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v2/messages", self._send)
        app.router.add_post("/v2/messages/group_mms", self._send)
        app.router.add_get("/v2/balance", self._balance)

    def _authenticated(self, request: web.Request) -> bool:
        given = request.headers.get("Authorization", "").encode()
        return hmac.compare_digest(given, f"Bearer {self.api_key}".encode())

    @staticmethod
    def _unauthenticated() -> web.Response:
        return _error(
            401,
            "10009",
            "Authentication failed",
            "The required authentication headers were either invalid or not included in the request.",
        )

    async def _balance(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        if not self._authenticated(request):
            return self._unauthenticated()
        return web.json_response(
            {
                "data": {
                    "record_type": "balance",
                    "balance": "300.00",
                    "currency": "USD",
                    "credit_limit": "100.00",
                }
            }
        )

    def _refusal(self, body: dict[str, Any], group: bool) -> web.Response | None:
        recipients = body.get("to")
        if not recipients:
            return _error(
                400, "10004", "Missing required parameter", "The 'to' parameter is required.", "/to"
            )
        recipients = recipients if group else [recipients]
        if not isinstance(recipients, list) or any(
            not isinstance(r, str) or not E164.match(r) for r in recipients
        ):
            return _error(
                400, "10016", "Phone number must be in +E.164 format", "Invalid 'to' number.", "/to"
            )
        if group and len(recipients) > MAX_GROUP:
            return _error(
                400, "10015", "Bad Request", f"A group MMS has at most {MAX_GROUP} recipients.", "/to"
            )
        if not body.get("from"):
            return _error(
                400, "10004", "Missing required parameter", "The 'from' parameter is required.", "/from"
            )
        if not body.get("text") and not body.get("media_urls"):
            return _error(
                400, "10004", "Missing required parameter", "Either 'text' or 'media_urls'.", "/text"
            )
        if len(body.get("media_urls") or []) > MAX_MEDIA:
            return _error(400, "10015", "Bad Request", f"At most {MAX_MEDIA} media URLs.", "/media_urls")
        if segments(body.get("text") or "") > MAX_PARTS:
            return _error(400, "10015", "Bad Request", f"The text is longer than {MAX_PARTS} parts.", "/text")
        if any(r in self.opted_out for r in recipients):
            return _error(400, "40300", "Blocked due to STOP message", "The recipient replied STOP.", "/to")
        return None

    async def _send(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        if not self._authenticated(request):
            return self._unauthenticated()
        try:
            body = json.loads(await request.read())
        except ValueError:
            return _error(400, "10015", "Bad Request", "The request body is not JSON.")
        group = request.path.endswith("/group_mms")
        if (refused := self._refusal(body, group)) is not None:
            return refused
        recipients = tuple(body["to"]) if group else (body["to"],)
        message = self.record(
            SentMessage(
                str(uuid.uuid4()),
                body["from"],
                recipients,
                body.get("text") or "",
                tuple(body.get("media_urls") or ()),
                body.get("webhook_url"),
                request=body,
            )
        )
        self.report(message)
        return web.json_response({"data": self._payload(message, "queued")})

    def _payload(
        self, message: SentMessage, status: str, errors: list[dict[str, str]] | None = None
    ) -> dict[str, Any]:
        mms = bool(message.media) or len(message.recipients) > 1
        return {
            "record_type": "message",
            "direction": "outbound",
            "id": message.carrier_id,
            "type": "MMS" if mms else "SMS",
            "messaging_profile_id": message.request.get("messaging_profile_id"),
            "from": {"phone_number": message.sender, "carrier": "TELNYX LLC", "line_type": "VoIP"},
            "to": [
                {
                    "phone_number": r,
                    "status": status,
                    "carrier": "T-MOBILE USA, INC.",
                    "line_type": "Wireless",
                }
                for r in message.recipients
            ],
            "text": message.text,
            "media": [
                {"url": url, "content_type": None, "sha256": None, "size": None} for url in message.media
            ],
            "webhook_url": message.callback_url,
            "encoding": "GSM-7" if message.text.isascii() else "UCS-2",
            "parts": segments(message.text),
            "errors": errors or [],
        }

    def callback_statuses(self, message: SentMessage, outcome: str) -> list[tuple[str, int]]:
        # A message that never left Telnyx is finalized as sending_failed without a message.sent.
        return [("failed", 0)] if outcome == "failed" else [("sent", 0), (outcome, 0)]

    def sign(self, timestamp: str, body: bytes) -> str:
        return base64.b64encode(self._signing_key.sign(timestamp.encode() + b"|" + body)).decode()

    def signed_headers(self, body: bytes) -> dict[str, str]:
        """A webhook's headers as Telnyx sends them: the time, and its Ed25519 signature over it."""
        timestamp = str(int(time.time()))
        return {
            "Content-Type": "application/json",
            "telnyx-timestamp": timestamp,
            "telnyx-signature-ed25519": self.sign(timestamp, body),
        }

    def inbound_requests(self, message: InboundMessage, webhook_url: str) -> list[WebhookRequest]:
        """Telnyx's ``message.received`` event, signed over ``timestamp|body`` with Ed25519."""
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000+00:00", time.gmtime())
        event = {
            "data": {
                "record_type": "event",
                "id": str(uuid.uuid4()),
                "event_type": "message.received",
                "occurred_at": now,
                "payload": {
                    "record_type": "message",
                    "direction": "inbound",
                    "id": message.carrier_id,
                    "type": "MMS" if message.media or message.cc else "SMS",
                    "from": {
                        "phone_number": message.sender,
                        "carrier": "T-Mobile USA",
                        "line_type": "Wireless",
                    },
                    "to": [{"phone_number": message.recipient, "status": "webhook_delivered"}],
                    "cc": [{"phone_number": n, "status": "webhook_delivered"} for n in message.cc],
                    "text": message.text,
                    "media": [
                        {"url": f.url, "content_type": f.content_type, "size": f.size, "hash_sha256": None}
                        for f in message.media
                    ],
                    "parts": segments(message.text),
                    "received_at": now,
                    "errors": [],
                },
            },
            "meta": {"attempt": 1, "delivered_to": webhook_url},
        }
        body = json.dumps(event).encode()
        return [WebhookRequest("POST", webhook_url, self.signed_headers(body), body)]

    async def post_callback(
        self, http: aiohttp.ClientSession, message: SentMessage, status: str, part: int
    ) -> Any:
        final = status != "sent"
        payload = self._payload(
            message,
            FINAL_STATUS.get(status, status),
            [FINAL_ERROR[status]] if status in FINAL_ERROR else None,
        )
        event = {
            "data": {
                "record_type": "event",
                "id": str(uuid.uuid4()),
                "event_type": "message.finalized" if final else "message.sent",
                "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                "payload": payload,
            },
            "meta": {"attempt": 1, "delivered_to": message.callback_url},
        }
        body = json.dumps(event).encode()
        headers = self.signed_headers(body)
        async with http.post(message.callback_url or "", data=body, headers=headers) as answer:
            answer.raise_for_status()
        return event
