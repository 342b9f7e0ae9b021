"""Vonage's SMS API as its spec (Nexmo api-specification ``definitions/sms.yml``) and
vonage-python-sdk describe it: ``POST /sms/json`` (form) answered HTTP 200 with one entry per part
(a text split in 153 GSM-7 or 67 UCS-2 units per part, one ``message-id`` each), errors as part
statuses, ``GET /account/get-balance`` with Basic credentials, and one delivery receipt per part
to the request's ``callback``, signed when the simulator has a signature secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import random
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from textbus.devinfra.carriers.simulator import (
    CarrierSimulator,
    InboundMessage,
    SentMessage,
    WebhookRequest,
)

DlrMethod = Literal["GET", "POST", "POST-JSON"]
# GSM-7's extension table: two septets each.
GSM_EXTENSION = set("\f^{}\\[~]|€")
OUTCOME_WORDS = {"delivered": "delivered", "undelivered": "expired", "failed": "failed"}
CALLBACK_MAX_LENGTH = 100  # vonage-python-sdk's SmsMessage.callback


def part_count(text: str, unicode: bool) -> int:
    units = (
        len(text.encode("utf-16-le")) // 2 if unicode else len(text) + sum(c in GSM_EXTENSION for c in text)
    )
    single, concatenated = (70, 67) if unicode else (160, 153)
    return 1 if units <= single else math.ceil(units / concatenated)


class VonageSimulator(CarrierSimulator):
    kind = "vonage"

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        signature_secret: str | None = None,
        *,
        signature_method: str = "md5hash",
        dlr_method: DlrMethod = "POST-JSON",
        **options: Any,
    ) -> None:
        self.api_key, self.api_secret = api_key, api_secret
        self.signature_secret, self.signature_method = signature_secret, signature_method
        self.dlr_method = dlr_method
        self.inbound_parts_reversed = False
        # Parts (0-based) of the next message answered "1 Throttled": Vonage's always-200 throttling.
        self.throttle_next: set[int] = set()
        super().__init__(**options)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/sms/json", self._send)
        app.router.add_get("/account/get-balance", self._balance)

    def sign(self, params: dict[str, str]) -> str:
        assert self.signature_secret is not None
        joined = "".join(f"&{k}={v.replace('&', '_').replace('=', '_')}" for k, v in sorted(params.items()))
        if self.signature_method == "md5hash":
            return hashlib.md5((joined + self.signature_secret).encode()).hexdigest()
        return hmac.new(self.signature_secret.encode(), joined.encode(), self.signature_method).hexdigest()

    async def _send(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        form = {key: str(value) for key, value in (await request.post()).items()}
        if form.get("api_key") != self.api_key or form.get("api_secret") != self.api_secret:
            return self._refused("4", "Bad Credentials")
        for name in ("from", "to", "text"):
            if not form.get(name):
                return self._refused("2", f"Missing {name} param")
        if not form["to"].isdigit():
            return self._refused("3", "Invalid to param")
        callback = form.get("callback")
        if callback and len(callback) > CALLBACK_MAX_LENGTH:
            return self._refused("23", "Invalid Callback Url")
        throttled, self.throttle_next = self.throttle_next, set()
        parts = part_count(form["text"], form.get("type") == "unicode")
        answers: list[dict[str, str]] = []
        for part in range(parts):
            if part in throttled:
                answers.append({"status": "1", "error-text": "Throttled"})
                continue
            answers.append(
                {
                    "to": form["to"],
                    "message-id": str(uuid.uuid4()),
                    "status": "0",
                    "remaining-balance": "10.00000000",
                    "message-price": "0.00680000",
                    "network": "310260",
                    **({"client-ref": form["client-ref"]} if "client-ref" in form else {}),
                }
            )
        taken = tuple(a["message-id"] for a in answers if a["status"] == "0")
        if taken:
            message = self.record(
                SentMessage(
                    carrier_id=taken[0],
                    sender=form["from"],
                    recipients=(form["to"],),
                    text=form["text"],
                    media=(),
                    callback_url=callback,
                    part_ids=taken,
                    request=form,
                )
            )
            self.report(message)
        return web.json_response({"message-count": str(parts), "messages": answers})

    def _refused(self, status: str, text: str) -> web.Response:
        return web.json_response({"message-count": "1", "messages": [{"status": status, "error-text": text}]})

    async def _balance(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        auth = request.headers.get("Authorization", "")
        if auth != aiohttp.encode_basic_auth(self.api_key, self.api_secret):
            return web.json_response(
                {
                    "type": "https://developer.nexmo.com/api-errors#unauthorized",
                    "title": "Unauthorized",
                    "detail": "You did not provide correct credentials.",
                    "instance": str(uuid.uuid4()),
                },
                status=401,
            )
        return web.json_response({"value": 10.0, "autoReload": False})

    def callback_statuses(self, message: SentMessage, outcome: str) -> list[tuple[str, int]]:
        """One "accepted" then the outcome for each part Vonage took, part by part."""
        word = OUTCOME_WORDS[outcome]
        return [(status, part) for part in range(len(message.part_ids)) for status in ("accepted", word)]

    def inbound_requests(self, message: InboundMessage, webhook_url: str) -> list[WebhookRequest]:
        """The SMS API's inbound message, sent the account's way (GET, form or JSON POST), signed
        when the account has a signature secret; a text over one segment arrives as concat parts,
        reversed when ``inbound_parts_reversed`` (Vonage does not promise their order)."""
        now = datetime.now(UTC)
        size = 160 if message.text.isascii() else 70
        if len(message.text) <= size:
            chunks = [message.text]
        else:
            step = 153 if size == 160 else 67
            chunks = [message.text[i : i + step] for i in range(0, len(message.text), step)]
        reference = f"{random.getrandbits(16)}"
        requests = []
        for index, chunk in enumerate(chunks):
            params = {
                "api-key": self.api_key,
                "msisdn": message.sender.removeprefix("+"),
                "to": message.recipient.removeprefix("+"),
                "messageId": message.carrier_id if len(chunks) == 1 else f"{message.carrier_id}-{index + 1}",
                "text": chunk,
                "type": "text" if message.text.isascii() else "unicode",
                "keyword": (chunk.split() or [""])[0].upper(),
                "message-timestamp": now.strftime("%Y-%m-%d %H:%M:%S"),
            }
            if len(chunks) > 1:
                params |= {
                    "concat": "true",
                    "concat-ref": reference,
                    "concat-total": str(len(chunks)),
                    "concat-part": str(index + 1),
                }
            if self.signature_secret is not None:
                params |= {"timestamp": str(int(time.time())), "nonce": str(uuid.uuid4())}
                params["sig"] = self.sign(params)
            requests.append(self._webhook_request(webhook_url, params))
        return requests[::-1] if self.inbound_parts_reversed else requests

    def _webhook_request(self, url: str, params: dict[str, str]) -> WebhookRequest:
        """A webhook call the account's way: GET with a query, a form POST or a JSON POST."""
        if self.dlr_method == "GET":
            return WebhookRequest("GET", f"{url}{'&' if '?' in url else '?'}{urlencode(params)}")
        if self.dlr_method == "POST":
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            return WebhookRequest("POST", url, form, urlencode(params).encode())
        return WebhookRequest("POST", url, {"Content-Type": "application/json"}, json.dumps(params).encode())

    async def post_callback(
        self, http: aiohttp.ClientSession, message: SentMessage, status: str, part: int
    ) -> dict[str, str]:
        now = datetime.now(UTC)
        dlr = {
            "msisdn": message.recipients[0],
            "to": message.sender,
            "network-code": "310260",
            "messageId": message.part_ids[part],
            "price": "0.00680000",
            "status": status,
            "scts": now.strftime("%y%m%d%H%M"),
            "err-code": "0" if status in ("accepted", "delivered") else "1",
            "api-key": self.api_key,
            "message-timestamp": now.strftime("%Y-%m-%d %H:%M:%S"),
            **({"client-ref": message.request["client-ref"]} if "client-ref" in message.request else {}),
        }
        if self.signature_secret is not None:
            dlr |= {"timestamp": str(int(time.time())), "nonce": str(uuid.uuid4())}
            dlr["sig"] = self.sign(dlr)
        assert message.callback_url is not None
        call = self._webhook_request(message.callback_url, dlr)
        async with http.request(
            call.method, call.url, headers=call.headers, data=call.body or None
        ) as response:
            response.raise_for_status()
        return dlr
