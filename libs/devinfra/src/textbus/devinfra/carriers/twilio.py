"""Twilio's Messages resource as its API reference and twilio-python describe it: HTTP Basic with
the account SID and auth token, form-encoded requests, 201 with the Message JSON, errors as
``{code, message, more_info, status}``, and status callbacks posted as forms to StatusCallback,
signed with X-Twilio-Signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from textbus.devinfra.carriers.simulator import (
    CarrierSimulator,
    InboundMessage,
    Outcome,
    SentMessage,
    WebhookRequest,
    delivered,
)

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
MAX_BODY = 1600
MAX_MEDIA = 10
# The error codes Twilio reports in the callback of a message that did not reach the handset.
OUTCOME_ERRORS = {"undelivered": "30003", "failed": "30008"}


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status=status,
    )


def segments(text: str) -> int:
    """Twilio's count, near enough for a simulator: GSM-7 when every character is ASCII."""
    single, multi = (160, 153) if text.isascii() else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // multi)


class TwilioSimulator(CarrierSimulator):
    kind = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        callback_delay_seconds: float = 0.02,
        outcome: Outcome = delivered,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.opted_out: set[str] = set()  # recipients who texted STOP to our numbers
        super().__init__(callback_delay_seconds=callback_delay_seconds, outcome=outcome)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create_message)
        app.router.add_get("/2010-04-01/Accounts/{sid}.json", self._fetch_account)

    def _authenticated(self, request: web.Request) -> bool:
        expected = aiohttp.encode_basic_auth(self.account_sid, self.auth_token)
        given = request.headers.get("Authorization", "")
        return (
            hmac.compare_digest(given.encode(), expected.encode())
            and request.match_info["sid"] == self.account_sid
        )

    async def _fetch_account(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        if not self._authenticated(request):
            return _error(401, 20003, "Authenticate")
        return web.json_response(
            {"sid": self.account_sid, "friendly_name": "simulated", "status": "active", "type": "Full"}
        )

    async def _create_message(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        if not self._authenticated(request):
            return _error(401, 20003, "Authenticate")
        form = await request.post()
        to, sender, body = str(form.get("To", "")), str(form.get("From", "")), str(form.get("Body", ""))
        media = [str(url) for url in form.getall("MediaUrl", [])]
        if not to:
            return _error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(to):
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not sender:
            return _error(400, 21603, "A 'From' phone number is required.")
        if not body and not media:
            return _error(400, 21602, "Message body is required.")
        if len(body) > MAX_BODY:
            return _error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        if len(media) > MAX_MEDIA:
            return _error(400, 21623, "The number of media files exceeds the limit of 10.")
        if to in self.opted_out:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        sid = "SM" + secrets.token_hex(16)
        callback = str(form["StatusCallback"]) if "StatusCallback" in form else None
        message = self.record(
            SentMessage(sid, sender, (to,), body, tuple(media), callback, request=dict(form))
        )
        self.report(message)
        return web.json_response(self._resource(message, "queued"), status=201)

    def _resource(self, message: SentMessage, status: str) -> dict[str, Any]:
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{message.carrier_id}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": message.text,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": message.sender,
            "messaging_service_sid": None,
            "num_media": str(len(message.media)),
            "num_segments": str(segments(message.text)),
            "price": None,
            "price_unit": "USD",
            "sid": message.carrier_id,
            "status": status,
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": message.recipients[0],
            "uri": f"{uri}.json",
        }

    def callback_statuses(self, message: SentMessage, outcome: str) -> list[tuple[str, int]]:
        # No callback for the initial "queued"; a message Twilio could not send fails from the queue.
        return [("failed", 0)] if outcome == "failed" else [("sent", 0), (outcome, 0)]

    def sign(self, url: str, params: dict[str, str]) -> str:
        signed = url + "".join(name + params[name] for name in sorted(params))
        return base64.b64encode(
            hmac.new(self.auth_token.encode(), signed.encode(), hashlib.sha1).digest()
        ).decode()

    def inbound_requests(self, message: InboundMessage, webhook_url: str) -> list[WebhookRequest]:
        """Twilio's incoming-message webhook: a signed form post with the message's fields."""
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "Body": message.text,
            "From": message.sender,
            "MessageSid": message.carrier_id,
            "NumMedia": str(len(message.media)),
            "NumSegments": str(segments(message.text)),
            "SmsMessageSid": message.carrier_id,
            "SmsSid": message.carrier_id,
            "SmsStatus": "received",
            "To": message.recipient,
        }
        for n, file in enumerate(message.media):
            params[f"MediaUrl{n}"] = file.url
            params[f"MediaContentType{n}"] = file.content_type
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": self.sign(webhook_url, params),
        }
        return [WebhookRequest("POST", webhook_url, headers, urlencode(params).encode())]

    async def post_callback(
        self, http: aiohttp.ClientSession, message: SentMessage, status: str, part: int
    ) -> Any:
        url = message.callback_url or ""
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "From": message.sender,
            "MessageSid": message.carrier_id,
            "MessageStatus": status,
            "SmsSid": message.carrier_id,
            "SmsStatus": status,
            "To": message.recipients[0],
        }
        if status in OUTCOME_ERRORS:
            params["ErrorCode"] = OUTCOME_ERRORS[status]
        async with http.post(
            url, data=params, headers={"X-Twilio-Signature": self.sign(url, params)}
        ) as answer:
            answer.raise_for_status()
        return params
