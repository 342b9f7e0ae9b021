"""Twilio's Programmable Messaging API (2010-04-01): a form POST per message with HTTP Basic
(account SID, auth token), status callbacks as form posts signed with ``X-Twilio-Signature``."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import aiohttp
from pydantic import SecretStr

from textbus.carrier_gateway.adapters.carriers.http import Answer, call, refusal
from textbus.carrier_gateway.adapters.carriers.reading import field, form
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

# Twilio's ValidityPeriod is 1 to 36,000 seconds (its default is the maximum).
MAX_VALIDITY_SECONDS = 36_000

# MessageStatus values that report on delivery; queued, sending, accepted, scheduled (ours on the
# way) and receiving, received (an inbound message) are not receipts.
RECEIPT_STATUSES: dict[str, ReceiptStatus] = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",  # only ever after delivery
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",  # a scheduled message withdrawn before sending: it will never go
}


class TwilioCredentials(Credentials):
    account_sid: str
    auth_token: SecretStr


def _credentials(credentials: Credentials) -> TwilioCredentials:
    if not isinstance(credentials, TwilioCredentials):
        raise TypeError(f"Twilio needs TwilioCredentials, not {type(credentials).__name__}")
    return credentials


def _auth(credentials: TwilioCredentials) -> dict[str, str]:
    return {
        "Authorization": aiohttp.encode_basic_auth(
            credentials.account_sid, credentials.auth_token.get_secret_value()
        )
    }


def refused(answer: Answer) -> CarrierRefused:
    """Twilio's error body: ``{code, message, more_info, status}`` (or RFC 9457 with ``detail``)."""
    if answer.status in (401, 403):
        return CarrierRefused(
            "credentials-refused", f"Twilio refused the account SID or token ({answer.status})"
        )
    body = answer.error_body()
    code = body.get("code")
    return refusal(
        answer,
        str(code) if code is not None else None,
        body.get("message") or body.get("detail") or body.get("title"),
    )


def accepted(answer: Answer) -> Accepted:
    """Twilio's 201 Message: its SID, and ``num_segments`` (a string)."""
    message = answer.json()
    try:
        return Accepted((message["sid"],), segments=int(message["num_segments"]))
    except (KeyError, TypeError, ValueError) as error:
        raise SubmitUnknown("Twilio's answer names no message SID or segment count") from error


def signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """Twilio's signature: the URL, then each parameter name followed by its values (names sorted,
    each name's distinct values sorted), HMAC-SHA1 with the auth token, base64."""
    signed = url
    for name in sorted({name for name, _ in params}):
        for value in sorted({v for n, v in params if n == name}):
            signed += name + value
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _with_and_without_port(url: str) -> tuple[str, str]:
    """The URL with the scheme's default port added and with any port removed: Twilio signs one or
    the other (its RequestValidator accepts both)."""
    parts = urlsplit(url)
    userinfo, at, host_port = parts.netloc.rpartition("@")
    host = userinfo + at + host_port.split(":")[0]
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with_port = parts._replace(netloc=f"{host}:{port}").geturl()
    without_port = parts._replace(netloc=host).geturl()
    return with_port, without_port


class TwilioCarrier:
    kind = "twilio"
    credentials: type[Credentials] = TwilioCredentials
    # One recipient per Message: group MMS is only in Twilio's Conversations API.
    capabilities = Capabilities(group_texting=False, receipts=True, max_media=10)
    default_api_url = "https://api.twilio.com"

    async def submit(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials, submission: Submission
    ) -> Accepted:
        twilio = _credentials(credentials)
        if len(submission.recipients) != 1:
            raise ValueError("Twilio's Messages resource takes exactly one recipient")
        form = [
            ("To", submission.recipients[0]),
            ("From", submission.sender),
            ("StatusCallback", submission.status_callback_url),
            ("ValidityPeriod", str(max(1, min(submission.validity_seconds, MAX_VALIDITY_SECONDS)))),
        ]
        if submission.text:
            form.append(("Body", submission.text))
        form += [("MediaUrl", media.url) for media in submission.media]
        answer = await call(
            http,
            "POST",
            f"{api_url}/2010-04-01/Accounts/{twilio.account_sid}/Messages.json",
            data=form,
            headers=_auth(twilio),
        )
        if not answer.ok:
            raise refused(answer)
        return accepted(answer)

    async def check_credentials(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials
    ) -> None:
        twilio = _credentials(credentials)
        answer = await call(
            http, "GET", f"{api_url}/2010-04-01/Accounts/{twilio.account_sid}.json", headers=_auth(twilio)
        )
        if not answer.ok:
            raise refused(answer)

    def authentic(self, request: CallbackRequest, credentials: Credentials) -> bool:
        given = request.headers.get("x-twilio-signature", "").encode()
        token = _credentials(credentials).auth_token.get_secret_value()
        params = parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        # Both are always computed so the time taken says nothing about which one matched.
        matches = [
            hmac.compare_digest(signature(token, url, params).encode(), given)
            for url in _with_and_without_port(request.url)
        ]
        return bool(given) and any(matches)

    def receipts(self, request: CallbackRequest) -> list[Receipt]:
        params = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        status = params.get("MessageStatus") or params.get("SmsStatus")
        if status is None:
            raise ValueError("a Twilio callback without MessageStatus")
        if status not in RECEIPT_STATUSES:
            return []
        sid = params.get("MessageSid") or params.get("SmsSid")
        if not sid:
            raise ValueError("a Twilio status callback without MessageSid")
        return [
            Receipt(
                carrier_id=sid,
                status=RECEIPT_STATUSES[status],
                error_code=params.get("ErrorCode") or None,
                sender=params.get("From") or None,
                recipient=params.get("To") or None,
            )
        ]

    def inbound(self, request: CallbackRequest) -> list[InboundText]:
        """Twilio's incoming-message webhook: a form post with ``SmsStatus=received``, ``From``,
        ``To``, ``Body``, ``NumMedia`` and ``MediaUrl{N}``/``MediaContentType{N}`` per file."""
        params = dict(form(request))
        if (params.get("SmsStatus") or params.get("MessageStatus")) != "received":
            return []
        try:
            files = int(params.get("NumMedia") or "0")
        except ValueError:
            raise ValueError("a Twilio message's NumMedia is not a number") from None
        media = tuple(
            InboundMedia(url=field(params, f"MediaUrl{n}"), content_type=params.get(f"MediaContentType{n}"))
            for n in range(files)
        )
        return [
            InboundText(
                carrier_id=params.get("MessageSid") or field(params, "SmsSid"),
                sender=field(params, "From"),
                recipient=field(params, "To"),
                text=params.get("Body", ""),
                media=media,
            )
        ]

    def replay_key(self, request: CallbackRequest) -> str | None:
        return None  # Twilio signs no timestamp: a replay cannot be told from its retry

    def answer(self) -> CallbackAnswer:
        return CallbackAnswer(200, "text/xml", b'<?xml version="1.0" encoding="UTF-8"?><Response/>')
