"""Vonage's SMS API (``POST /sms/json``, Nexmo's api-specification ``definitions/sms.yml``).

Vonage answers HTTP 200 to every request; what happened is in ``messages[i].status``, one entry per
part of the text (``"0"`` taken, any other code refused, per the spec's ``x-errors``). A long text
can be taken in part: part 1 accepted, part 2 throttled. The port has no "partly sent" answer, and
resending the whole text would send part 1 twice, so a submission is ``Accepted`` with the ids of
the parts Vonage took as soon as one part was taken (the refused part gets no receipt, so the
message never reads as delivered in full); it is refused, busy or to retry only when no part was
taken, by the first part's code.

Delivery receipts come one per part (``messageId`` is the part's id), as a GET query, a form POST
or a JSON POST as the account is set up. They are unsigned unless the account has signed webhooks:
then a profile with a ``signature_secret`` checks ``sig`` (Vonage's signing rules, as
vonage-python-sdk's ``check_signature``) and a 5-minute window on ``timestamp``; a profile without
one accepts every receipt, since Vonage gives nothing else to check.

A timed-out submit is unknown: Vonage echoes ``client-ref`` (our message id) but does not dedupe on it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import aiohttp
from pydantic import SecretStr

from textbus.carrier_gateway.adapters.carriers.http import call, refusal
from textbus.carrier_gateway.adapters.carriers.reading import field, form, json_body
from textbus.carrier_gateway.service.carriers import (
    Accepted,
    CallbackAnswer,
    CallbackRequest,
    Capabilities,
    CarrierBusy,
    CarrierRefused,
    Concatenated,
    Credentials,
    InboundText,
    Receipt,
    ReceiptStatus,
    Submission,
)
from textbus.kit.outbound import RetryLater

SignatureMethod = Literal["md5hash", "md5", "sha1", "sha256", "sha512"]

# The spec's x-errors a later request can get past: 1 throttled, 10 too many binds (back off).
BUSY = {"1", "10"}
TRANSIENT = {"5"}  # internal error
SIGNATURE_WINDOW_SECONDS = 300

# DLR ``status`` to ours; "accepted", "buffered" and "unknown" are not final.
RECEIPT_STATUSES: dict[str, ReceiptStatus] = {
    "delivered": "delivered",
    "expired": "undelivered",
    "failed": "failed",
    "rejected": "failed",
    "accepted": "sent",
    "buffered": "sent",
    "unknown": "sent",
}
# Vonage's TTL bounds in milliseconds (vonage-python-sdk's SmsMessage.ttl).
TTL_MS = (20_000, 604_800_000)


class VonageCredentials(Credentials):
    api_key: str
    api_secret: SecretStr
    signature_secret: SecretStr | None = None  # set only when the account signs its webhooks
    signature_method: SignatureMethod = "md5hash"  # the dashboard's default


def signature(params: Mapping[str, str], secret: str, method: SignatureMethod) -> str:
    """Vonage's ``sig``: ``&key=value`` for each parameter but ``sig``, keys sorted, ``&`` and ``=``
    in values replaced by ``_``; "md5hash" is md5 of that plus the secret, the others an HMAC."""
    signed = "".join(
        f"&{key}={params[key].replace('&', '_').replace('=', '_')}" for key in sorted(params) if key != "sig"
    ).encode()
    if method == "md5hash":
        return hashlib.md5(signed + secret.encode()).hexdigest()
    return hmac.new(secret.encode(), signed, method).hexdigest()


def callback_params(request: CallbackRequest) -> dict[str, str]:
    """The parameters of a Vonage webhook, whichever way the account sends them."""
    if request.method == "GET":
        return dict(request.query)
    if request.headers.get("content-type", "").startswith("application/json"):
        body = json_body(request)
        if not isinstance(body, dict):
            raise ValueError("the callback's body is not a JSON object")
        return {key: str(value) for key, value in body.items()}
    return dict(form(request))


def vonage_time(value: str | None) -> datetime | None:
    """``scts`` (YYMMDDHHMM) or ``message-timestamp`` (YYYY-MM-DD HH:MM:SS), both UTC."""
    for pattern in ("%y%m%d%H%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value or "", pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def e164(number: str | None) -> str | None:
    return f"+{number}" if number and number.isdigit() else number


class VonageCarrier:
    kind = "vonage"
    credentials = VonageCredentials
    # Vonage retries an inbound message not answered 200, for up to 24 hours.
    capabilities = Capabilities(
        group_texting=False, receipts=True, max_media=0, retries_refused_callbacks=True
    )
    default_api_url = "https://rest.nexmo.com"

    async def submit(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials, submission: Submission
    ) -> Accepted:
        assert isinstance(credentials, VonageCredentials)
        (recipient,) = submission.recipients
        ttl = min(max(submission.validity_seconds * 1000, TTL_MS[0]), TTL_MS[1])
        form = {
            "api_key": credentials.api_key,
            "api_secret": credentials.api_secret.get_secret_value(),
            "from": submission.sender.lstrip("+"),
            "to": recipient.lstrip("+"),
            "text": submission.text,
            "type": "unicode" if submission.encoding == "UCS-2" else "text",
            "callback": short_callback(submission.status_callback_url),
            "client-ref": submission.message_id,
            "ttl": str(ttl),
        }
        answer = await call(http, "POST", f"{api_url}/sms/json", data=form)
        if not answer.ok:
            raise refusal(answer, None, None)
        parts = answer.json().get("messages") or []
        taken = tuple(part["message-id"] for part in parts if part.get("status") == "0")
        if taken:
            return Accepted(carrier_ids=taken, segments=len(parts))
        first: dict[str, Any] = parts[0] if parts else {}
        code, reason = str(first.get("status", "")), str(first.get("error-text", "no reason given"))
        if code in BUSY:
            raise CarrierBusy(f"Vonage is throttling ({code}: {reason})")
        if code in TRANSIENT:
            raise RetryLater(f"Vonage failed ({code}: {reason})")
        raise CarrierRefused(code or "no-status", reason)

    async def check_credentials(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials
    ) -> None:
        assert isinstance(credentials, VonageCredentials)
        auth = aiohttp.encode_basic_auth(credentials.api_key, credentials.api_secret.get_secret_value())
        answer = await call(http, "GET", f"{api_url}/account/get-balance", headers={"Authorization": auth})
        if not answer.ok:
            body = answer.error_body()
            raise refusal(answer, body.get("title"), body.get("detail"))

    def authentic(self, request: CallbackRequest, credentials: Credentials) -> bool:
        assert isinstance(credentials, VonageCredentials)
        if credentials.signature_secret is None:
            return True
        try:
            params = callback_params(request)
        except ValueError:
            return False
        try:
            skew = abs(request.received_at.timestamp() - int(params.get("timestamp", "")))
        except ValueError:
            return False
        if skew > SIGNATURE_WINDOW_SECONDS:
            return False
        expected = signature(
            params, credentials.signature_secret.get_secret_value(), credentials.signature_method
        )
        return hmac.compare_digest(params.get("sig", "").lower().encode(), expected.encode())

    def receipts(self, request: CallbackRequest) -> list[Receipt]:
        params = callback_params(request)
        if "status" not in params:
            if "text" in params:  # an inbound message on the same webhook
                return []
            raise ValueError("a Vonage delivery receipt has a status")
        status = RECEIPT_STATUSES.get(params["status"])
        if status is None or not params.get("messageId"):
            raise ValueError(f"not a Vonage delivery receipt (status {params['status']!r})")
        error_code = params.get("err-code")
        return [
            Receipt(
                carrier_id=params["messageId"],
                status=status,
                error_code=error_code if error_code not in (None, "", "0") else None,
                reason=None if status == "delivered" else params["status"],
                sender=e164(params.get("to")),
                recipient=e164(params.get("msisdn")),
                at=vonage_time(params.get("scts")) or vonage_time(params.get("message-timestamp")),
            )
        ]

    def inbound(self, request: CallbackRequest) -> list[InboundText]:
        """The SMS API's inbound message: ``msisdn`` (the sender), ``to`` (our number), ``messageId``,
        ``text``, ``type``; a long text arrives in parts with ``concat-ref/-total/-part``."""
        params = callback_params(request)
        if "status" in params or "msisdn" not in params:
            return []
        if params.get("type") == "binary":
            raise ValueError("a binary Vonage message carries no text")
        part = None
        if params.get("concat", "").lower() == "true":
            try:
                part = Concatenated(
                    reference=field(params, "concat-ref"),
                    total=int(field(params, "concat-total")),
                    part=int(field(params, "concat-part")),
                )
            except ValueError as error:
                raise ValueError(f"a Vonage message part without its concat fields ({error})") from None
            if not 1 <= part.part <= part.total:
                raise ValueError("a Vonage message part outside its concat-total")
        return [
            InboundText(
                carrier_id=field(params, "messageId"),
                sender=e164(field(params, "msisdn")) or "",
                recipient=e164(field(params, "to")) or "",
                text=params.get("text", ""),
                at=vonage_time(params.get("message-timestamp")),
                part=part,
            )
        ]

    def replay_key(self, request: CallbackRequest) -> str | None:
        # A signed call covers its timestamp and nonce: its signature, seen twice, is a replay.
        params = callback_params(request)
        return params.get("sig") or None

    def answer(self) -> CallbackAnswer:
        return CallbackAnswer(status=200)


def short_callback(url: str) -> str:
    """Vonage refuses a callback URL over 100 characters (status 23): without the message named in
    the query, the receipt's message-id (and client-ref) still finds the message."""
    return url if len(url) <= CALLBACK_URL_LIMIT else url.split("?", 1)[0]


CALLBACK_URL_LIMIT = 100
