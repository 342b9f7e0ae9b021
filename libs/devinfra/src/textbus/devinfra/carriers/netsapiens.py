"""NetSapiens ns-api v2 as its OpenAPI (docs.ns-api.com, the generated netsapiens-openapi-php
client) describes it: an API key or an OAuth password-grant token (``POST /ns-api/v2/tokens``) as
the bearer, ``POST .../messagesessions/{session}/messages`` answered 202 ``{code, message}``
(session id of at least 32 alphanumerics or underscores, numbers of 11 digits), errors as
``{code, message}`` with 400, 401 or 404, and ``GET .../messagesessions``. ns-api v2 sends no
status callbacks for a message."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable
from typing import Any

import aiohttp
from aiohttp import web

from textbus.devinfra.carriers.simulator import CarrierSimulator, SentMessage

SESSION = re.compile(r"[A-Za-z0-9_]{32,}")
NUMBER = re.compile(r"1\d{10}")


def error(status: int, message: str) -> web.Response:
    return web.json_response({"code": status, "message": message}, status=status)


class NetSapiensSimulator(CarrierSimulator):
    kind = "netsapiens"

    def __init__(
        self,
        domain: str,
        user: str,
        api_key: str,
        *,
        client_id: str,
        client_secret: str,
        username: str,
        password: str,
        numbers: Iterable[str] = (),
        token_seconds: int = 3600,
        **options: Any,
    ) -> None:
        self.domain, self.user, self.api_key = domain, user, api_key
        self.login = (client_id, client_secret, username, password)
        self.numbers = set(numbers)  # the user's SMS numbers, 11 digits
        self.token_seconds = token_seconds
        self.tokens: dict[str, float] = {}  # access token -> when it expires
        self.tokens_issued = 0
        super().__init__(**options)

    def revoke_tokens(self) -> None:
        """Every OAuth token stops working, as after a password change or a platform restart."""
        self.tokens.clear()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/ns-api/v2/tokens", self._token)
        users = "/ns-api/v2/domains/{domain}/users/{user}/messagesessions"
        app.router.add_get(users, self._sessions)
        app.router.add_post(users + "/{session}/messages", self._send)

    async def _token(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        grant = await request.json()
        given = tuple(grant.get(k) for k in ("client_id", "client_secret", "username", "password"))
        if grant.get("grant_type") != "password" or given != self.login:
            return error(401, "Invalid credentials")
        token = secrets.token_hex(16)
        self.tokens[token] = time.monotonic() + self.token_seconds
        self.tokens_issued += 1
        return web.json_response(
            {
                "username": self.login[2],
                "user": self.user,
                "domain": self.domain,
                "access_token": token,
                "expires_in": self.token_seconds,
                "token_type": "Bearer",
                "refresh_token": secrets.token_hex(16),
                "client_id": self.login[0],
                "apiversion": "2",
            }
        )

    def _refusal(self, request: web.Request) -> web.Response | None:
        """401 for a bearer that is neither the API key nor a live token; 404 for another's user."""
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if bearer != self.api_key and self.tokens.get(bearer, 0) < time.monotonic():
            return error(401, "Unauthorized")
        if (request.match_info["domain"], request.match_info["user"]) != (self.domain, self.user):
            return error(404, "Domain or user not found")
        return None

    async def _sessions(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        return self._refusal(request) or web.json_response([])

    async def _send(self, request: web.Request) -> web.StreamResponse:
        if (faulted := await self.fault()) is not None:
            return faulted
        if (refused := self._refusal(request)) is not None:
            return refused
        session = request.match_info["session"]
        body = await request.json()
        destinations = body.get("destination")
        destinations = [destinations] if isinstance(destinations, str) else destinations or []
        if not SESSION.fullmatch(session):
            return error(400, "messagesession must be at least 32 alphanumeric characters or underscores")
        if body.get("type") not in ("sms", "mms") or not body.get("message"):
            return error(400, "type sms or mms and a message are required")
        if not destinations or not all(NUMBER.fullmatch(str(d)) for d in destinations):
            return error(400, "destination must be 11-digit numbers")
        if body.get("from-number") not in self.numbers:
            return error(400, "from-number is not an SMS number of this user")
        self.record(
            SentMessage(
                carrier_id=session,
                sender=body["from-number"],
                recipients=tuple(destinations),
                text=body["message"],
                media=(),
                callback_url=None,
                request=body,
            )
        )
        return web.json_response({"code": 202, "message": "Accepted"}, status=202)

    async def post_callback(
        self, http: aiohttp.ClientSession, message: SentMessage, status: str, part: int
    ) -> Any:
        raise NotImplementedError("ns-api v2 sends no status callbacks for a message")
