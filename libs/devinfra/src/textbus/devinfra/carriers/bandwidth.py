"""Bandwidth's Messaging API v2 as bandwidth.yml (Bandwidth/python-sdk) and its error guide
describe it: HTTP Basic with the API user, 202 with the Message, errors as ``{type, description,
fieldErrors?}``, and status callbacks to the application's callback URL (the API takes no
per-message URL) as a JSON array, with the application's callback Basic credentials."""

from __future__ import annotations

import hmac
import json
import random
import re
import string
import time
from typing import Any

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
from textbus.devinfra.carriers.twilio import segments

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
MAX_TEXT = 2048
MAX_MEDIA = 10
# message-failed's errorCode and description per outcome (4432 is bandwidth.yml's own example).
FAILURES = {
    "undelivered": (4405, "unallocated destination number"),
    "failed": (4432, "forbidden to country"),
}
DESCRIPTIONS = {
    "message-sent": "Message sent to carrier",
    "message-delivered": "Message delivered to handset.",
}


def _error(
    status: int, kind: str, description: str, fields: list[tuple[str, str]] | None = None
) -> web.Response:
    body: dict[str, Any] = {"type": kind, "description": description}
    if fields:
        body["fieldErrors"] = [{"fieldName": name, "description": text} for name, text in fields]
    return web.json_response(body, status=status)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


class BandwidthSimulator(CarrierSimulator):
    kind = "bandwidth"

    def __init__(
        self,
        account_id: str,
        application_id: str,
        username: str,
        password: str,
        callback_url: str,
        callback_username: str,
        callback_password: str,
        *,
        callback_delay_seconds: float = 0.02,
        outcome: Outcome = delivered,
    ) -> None:
        self.account_id, self.application_id = account_id, application_id
        self.username, self.password = username, password
        self.callback_url = callback_url  # the application's: every message's callbacks go there
        self.callback_username, self.callback_password = callback_username, callback_password
        super().__init__(callback_delay_seconds=callback_delay_seconds, outcome=outcome)

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/v2/users/{account}/messages", self._create_message)
        app.router.add_get("/api/v2/users/{account}/media", self._list_media)

    def _refused_access(self, request: web.Request) -> web.Response | None:
        expected = aiohttp.encode_basic_auth(self.username, self.password)
        if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected.encode()):
            return _error(401, "unauthorized", "Authentication Failed")
        if request.match_info["account"] != self.account_id:
            return _error(403, "forbidden", "Access Denied")
        return None

    async def _list_media(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        return self._refused_access(request) or web.json_response([])

    def _invalid(self, body: dict[str, Any]) -> list[tuple[str, str]]:
        fields = []
        to = body.get("to")
        if not isinstance(to, list) or not to:
            fields.append(("to", "'to' must contain at least one telephone number"))
        else:
            fields += [
                ("to", f"'{number}' must be replaced with a valid E164 formatted telephone number")
                for number in to
                if not isinstance(number, str) or not E164.match(number)
            ]
        if not isinstance(body.get("from"), str) or not E164.match(body["from"]):
            fields.append(
                (
                    "from",
                    f"'{body.get('from')}' must be replaced with a valid E164 formatted telephone number",
                )
            )
        if body.get("applicationId") != self.application_id:
            fields.append(("applicationId", "the application does not exist or belongs to another account"))
        if not body.get("text") and not body.get("media"):
            fields.append(("text", "'text' or 'media' is required"))
        if len(body.get("text") or "") > MAX_TEXT:
            fields.append(("text", f"'text' must be {MAX_TEXT} characters or less"))
        if len(body.get("media") or []) > MAX_MEDIA:
            fields.append(("media", f"at most {MAX_MEDIA} media are allowed"))
        return fields

    async def _create_message(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        if (refused := self._refused_access(request)) is not None:
            return refused
        try:
            body = json.loads(await request.read())
        except ValueError:
            return _error(400, "request-validation", "Your request could not be accepted")
        if fields := self._invalid(body):
            return _error(400, "request-validation", "Your request could not be accepted", fields)
        suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=16))
        message = self.record(
            SentMessage(
                f"{int(time.time() * 1000)}{suffix}",
                body["from"],
                tuple(body["to"]),
                body.get("text") or "",
                tuple(body.get("media") or ()),
                self.callback_url,
                request=body,
            )
        )
        self.report(message)
        return web.json_response(self._message(message), status=202)

    def _message(self, message: SentMessage) -> dict[str, Any]:
        resource: dict[str, Any] = {
            "id": message.carrier_id,
            "owner": message.sender,
            "applicationId": self.application_id,
            "time": _now(),
            "segmentCount": segments(message.text),
            "direction": "out",
            "to": list(message.recipients),
            "from": message.sender,
            "text": message.text,
        }
        if message.media:
            resource["media"] = list(message.media)
        if "tag" in message.request:
            resource["tag"] = message.request["tag"]
        return resource

    def callback_statuses(self, message: SentMessage, outcome: str) -> list[tuple[str, int]]:
        # One event per recipient of a group message (``part`` is the recipient's index here).
        per_status = [("sent", 0), (outcome, 0)] if outcome != "failed" else [("failed", 0)]
        return [(status, index) for status, _ in per_status for index in range(len(message.recipients))]

    def inbound_requests(self, message: InboundMessage, webhook_url: str) -> list[WebhookRequest]:
        """Bandwidth's ``message-received`` event, an array of one, with the callback credentials;
        a group text names every recipient in ``to``, our number as ``owner``."""
        resource: dict[str, Any] = {
            "id": message.carrier_id,
            "owner": message.recipient,
            "applicationId": self.application_id,
            "time": _now(),
            "segmentCount": segments(message.text),
            "direction": "in",
            "to": [message.recipient, *message.cc],
            "from": message.sender,
            "text": message.text,
        }
        if message.media:
            resource["media"] = [f.url for f in message.media]
        event = {
            "time": _now(),
            "type": "message-received",
            "to": message.recipient,
            "description": "Incoming message received",
            "message": resource,
        }
        headers = {
            "Content-Type": "application/json",
            "Authorization": aiohttp.encode_basic_auth(self.callback_username, self.callback_password),
        }
        return [WebhookRequest("POST", webhook_url, headers, json.dumps([event]).encode())]

    async def post_callback(
        self, http: aiohttp.ClientSession, message: SentMessage, status: str, part: int
    ) -> Any:
        kind = f"message-{status}" if status in ("sent", "delivered") else "message-failed"
        event: dict[str, Any] = {
            "time": _now(),
            "type": kind,
            "to": message.recipients[part],
            "description": DESCRIPTIONS.get(kind) or FAILURES[status][1],
            "message": self._message(message),
        }
        if kind == "message-failed":
            event["errorCode"] = FAILURES[status][0]
        headers = {"Authorization": aiohttp.encode_basic_auth(self.callback_username, self.callback_password)}
        async with http.post(self.callback_url, json=[event], headers=headers) as answer:
            answer.raise_for_status()
        return [event]
