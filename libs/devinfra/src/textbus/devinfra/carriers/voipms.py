"""voip.ms's REST/JSON API as python-voipms calls it: ``GET /api/v1/rest.php`` with the API
username and password in the query, HTTP 200 with ``{"status": "success", ...}`` or an error word
(python-voipms's ``ERROR_CODES``); ``sendSMS`` (did and dst of 10 digits, at most 160 characters),
``sendMMS`` (at most 1,600 characters, ``media1``..``media3``) and ``getBalance``. voip.ms sends
no delivery receipts."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from textbus.devinfra.carriers.simulator import (
    CarrierSimulator,
    InboundMessage,
    SentMessage,
    WebhookRequest,
)

TEXT_LIMITS = {"sendSMS": 160, "sendMMS": 1600}
MEDIA_FIELDS = ("media1", "media2", "media3")


def ten_digits(value: str | None) -> bool:
    return value is not None and len(value) == 10 and value.isdigit()


class VoipMsSimulator(CarrierSimulator):
    kind = "voipms"

    def __init__(self, api_username: str, api_password: str, dids: Iterable[str], **options: Any) -> None:
        self.api_username, self.api_password = api_username, api_password
        self.dids = set(dids)
        self.ip_enabled = True  # False: every call answers "ip_not_enabled", as for an unlisted IP
        self.daily_limit: int | None = None  # messages a day before "limit_reached"
        super().__init__(**options)

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/api/v1/rest.php", self._rest)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        query = request.query
        if not query.get("api_username") or not query.get("api_password"):
            return self._status("missing_credentials")
        if (query["api_username"], query["api_password"]) != (self.api_username, self.api_password):
            return self._status("invalid_credentials")
        if not self.ip_enabled:
            return self._status("ip_not_enabled")
        method = query.get("method", "")
        if method == "getBalance":
            return web.json_response({"status": "success", "balance": {"current_balance": "10.0000"}})
        if method not in TEXT_LIMITS:
            return self._status("invalid_method")
        return self._send(method, query)

    def _send(self, method: str, query: Any) -> web.Response:
        did, dst, text = query.get("did"), query.get("dst"), query.get("message", "")
        if not ten_digits(did) or did not in self.dids:
            return self._status("invalid_did")
        if not ten_digits(dst):
            return self._status("invalid_dst")
        if not text or len(text) > TEXT_LIMITS[method]:
            return self._status("invalid_sms")
        if self.daily_limit is not None and len(self.sent) >= self.daily_limit:
            return self._status("limit_reached")
        media = tuple(query[name] for name in MEDIA_FIELDS if query.get(name)) if method == "sendMMS" else ()
        message = self.record(
            SentMessage(
                carrier_id=str(len(self.sent) + 1),
                sender=did,
                recipients=(dst,),
                text=text,
                media=media,
                callback_url=None,
                request={k: v for k, v in query.items() if k != "api_password"},
            )
        )
        return web.json_response(
            {"status": "success", "sms" if method == "sendSMS" else "mms": message.carrier_id}
        )

    @staticmethod
    def _status(word: str) -> web.Response:
        return web.json_response({"status": word})

    def inbound_requests(self, message: InboundMessage, webhook_url: str) -> list[WebhookRequest]:
        """The account's SMS URL callback: a GET, numbers as ten digits, the text in ``message``
        (the placeholders the profile's webhook URL names, filled in)."""
        query = {
            "id": message.carrier_id,
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "from": message.sender.removeprefix("+1"),
            "to": message.recipient.removeprefix("+1"),
            "message": message.text,
        }
        return [WebhookRequest("GET", f"{webhook_url.split('?', 1)[0]}?{urlencode(query)}")]

    async def post_callback(
        self, http: aiohttp.ClientSession, message: SentMessage, status: str, part: int
    ) -> Any:
        raise NotImplementedError("voip.ms sends no delivery receipts")
