"""NetSapiens ns-api v2 (the platforms built on it: SkySwitch, United Cloud, Ring Logix, Viirtue), as
its OpenAPI (docs.ns-api.com; the generated client github.com/spectrumvoip/netsapiens-openapi-php)
describes it.

Each platform has its own host, so the API base is the profile's ``api_host``, not a shared URL.
A profile authenticates with an API key (a bearer token) or with OAuth client credentials and a
user's login (password grant, ``POST /ns-api/v2/tokens``); the token is kept until it expires and
fetched again once when the API answers 401.

A text goes to ``POST .../messagesessions/{session}/messages``; the session id is the client's (at
least 32 alphanumerics), derived here from the sender and the recipients so a thread keeps its
session. NetSapiens answers 202 ``{code, message}`` with no message id: the session id is the only
handle on the message, and a timed-out submit is unknown (nothing dedupes a resend). ns-api v2
reports no status for a sent message (the send takes no callback; a ``message`` subscription's
body is undocumented), so ``receipts`` is False; the callbacks the gateway gets (subscriptions)
are authenticated by the webhook secret in their URL's path.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any, Self

import aiohttp
from pydantic import SecretStr, model_validator

from textbus.carrier_gateway.adapters.carriers.http import Answer, call, refusal
from textbus.carrier_gateway.adapters.carriers.unsigned import nanp_digits, secret_in_path
from textbus.carrier_gateway.service.carriers import (
    Accepted,
    CallbackAnswer,
    CallbackRequest,
    Capabilities,
    Credentials,
    Receipt,
    Submission,
)

TOKEN_MARGIN_SECONDS = 60  # fetch a new token this long before the old one expires


class NetSapiensCredentials(Credentials):
    api_host: str  # e.g. https://pbx.example.com; the API is under /ns-api/v2
    domain: str
    user: str  # the user (extension) whose SMS number sends
    api_key: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    username: str | None = None  # the login, often user@domain
    password: SecretStr | None = None
    webhook_secret: SecretStr

    @model_validator(mode="after")
    def _one_way_to_authenticate(self) -> Self:
        oauth = (self.client_id, self.client_secret, self.username, self.password)
        if self.api_key is None and None in oauth:
            raise ValueError("give an api_key, or client_id, client_secret, username and password")
        return self

    @property
    def api(self) -> str:
        return f"{self.api_host.rstrip('/')}/ns-api/v2"


def session_id(credentials: NetSapiensCredentials, sender: str, recipients: tuple[str, ...]) -> str:
    """The thread's session: the same for the same sender and recipients, 64 hex characters."""
    thread = "|".join((credentials.domain, credentials.user, sender, *sorted(recipients)))
    return hashlib.sha256(thread.encode()).hexdigest()


def token_key(credentials: NetSapiensCredentials) -> tuple[str, str, str]:
    return (credentials.api_host, credentials.client_id or "", credentials.username or "")


def refused(answer: Answer) -> Exception:
    """ns-api's ErrorResponse ``{code, message}`` as a refusal."""
    body = answer.error_body()
    code = body.get("code")
    return refusal(answer, str(code) if code is not None else None, body.get("message"))


class NetSapiensCarrier:
    kind = "netsapiens"
    credentials = NetSapiensCredentials
    capabilities = Capabilities(group_texting=True, receipts=False, max_media=0)
    default_api_url = ""  # no shared host: each platform's is the profile's api_host

    def __init__(self) -> None:
        # (api_host, client_id, username) -> (access token, monotonic time it stops being used)
        self._tokens: dict[tuple[str, str, str], tuple[str, float]] = {}

    async def _token(self, http: aiohttp.ClientSession, credentials: NetSapiensCredentials) -> str:
        if credentials.api_key is not None:
            return credentials.api_key.get_secret_value()
        assert credentials.client_id and credentials.client_secret and credentials.username
        assert credentials.password is not None
        cached = self._tokens.get(token_key(credentials))
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        grant = {
            "grant_type": "password",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret.get_secret_value(),
            "username": credentials.username,
            "password": credentials.password.get_secret_value(),
        }
        answer = await call(http, "POST", f"{credentials.api}/tokens", json=grant)
        if not answer.ok:
            raise refused(answer)
        token = answer.json()
        expires_in = float(token.get("expires_in", 3600))
        self._tokens[token_key(credentials)] = (
            token["access_token"],
            time.monotonic() + expires_in - TOKEN_MARGIN_SECONDS,
        )
        return str(token["access_token"])

    async def _call(
        self,
        http: aiohttp.ClientSession,
        credentials: NetSapiensCredentials,
        method: str,
        path: str,
        **request: Any,
    ) -> Answer:
        """An authenticated call; a 401 on a cached OAuth token fetches a new one and tries once more."""
        for attempt in range(2):
            token = await self._token(http, credentials)
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            answer = await call(http, method, f"{credentials.api}{path}", headers=headers, **request)
            if answer.status != 401 or credentials.api_key is not None or attempt:
                break
            self._tokens.pop(token_key(credentials), None)
        if not answer.ok:
            raise refused(answer)
        return answer

    async def submit(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials, submission: Submission
    ) -> Accepted:
        assert isinstance(credentials, NetSapiensCredentials)
        destinations = [nanp_digits(recipient, 11) for recipient in submission.recipients]
        session = session_id(credentials, submission.sender, submission.recipients)
        body = {
            "type": "sms",
            "message": submission.text,
            "destination": destinations[0] if len(destinations) == 1 else destinations,
            "from-number": nanp_digits(submission.sender, 11),
        }
        path = f"/domains/{credentials.domain}/users/{credentials.user}/messagesessions/{session}/messages"
        await self._call(http, credentials, "POST", path, json=body)
        return Accepted(carrier_ids=(session,))

    async def check_credentials(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials
    ) -> None:
        assert isinstance(credentials, NetSapiensCredentials)
        path = f"/domains/{credentials.domain}/users/{credentials.user}/messagesessions"
        await self._call(http, credentials, "GET", path, params={"limit": "1"})

    def authentic(self, request: CallbackRequest, credentials: Credentials) -> bool:
        assert isinstance(credentials, NetSapiensCredentials)
        return secret_in_path(request, credentials.webhook_secret)

    def receipts(self, request: CallbackRequest) -> list[Receipt]:
        return []  # ns-api v2 reports no delivery status for a sent message

    def answer(self) -> CallbackAnswer:
        return CallbackAnswer(status=200)
