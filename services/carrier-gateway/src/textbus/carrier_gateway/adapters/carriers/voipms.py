"""voip.ms's REST/JSON API (``GET /api/v1/rest.php``, as python-voipms calls it).

Every call carries the API username and password in its query string, so no error of this module
names the URL (``http.call`` never does) and credentials stay in ``SecretStr`` until the request is
built. voip.ms answers HTTP 200 to errors too: ``{"status": "success", ...}`` or ``{"status":
"<error word>"}``. ``sendSMS`` takes at most 160 characters, so ``max_text`` makes the gateway send
one request per segment; ``sendMMS`` takes up to three media URLs (``media1``..``media3``).

voip.ms reports no delivery (``receipts`` False): its only callback is an inbound message, a GET of
the URL template set on the DID, authenticated by the webhook secret in that URL's path and
answered with the body ``ok`` (without it voip.ms retries every 30 minutes when retries are on).
A timed-out submit is unknown: voip.ms takes no id of ours to dedupe on.
"""

from __future__ import annotations

import aiohttp
from pydantic import SecretStr

from textbus.carrier_gateway.adapters.carriers.http import call, refusal
from textbus.carrier_gateway.adapters.carriers.reading import field
from textbus.carrier_gateway.adapters.carriers.unsigned import nanp_digits, secret_in_path
from textbus.carrier_gateway.service.carriers import (
    Accepted,
    CallbackAnswer,
    CallbackRequest,
    Capabilities,
    CarrierBusy,
    CarrierRefused,
    Credentials,
    InboundText,
    Receipt,
    Submission,
)
from textbus.kit.outbound import RetryLater

# python-voipms's ERROR_CODES for the words sendSMS, sendMMS and getBalance answer.
REASONS = {
    "api_not_enabled": "the API is not enabled on this voip.ms account",
    "invalid_credentials": "voip.ms refused the API username or password",
    "missing_credentials": "the API username or password is missing",
    "ip_not_enabled": "this server's IP address is not enabled for the voip.ms API",
    "invalid_did": "the sender is not a DID of this voip.ms account",
    "invalid_dst": "voip.ms refused the destination number",
    "invalid_sms": "voip.ms refused the text",
    "missing_sms": "the text is missing",
    "limit_reached": "the account reached voip.ms's daily limit of messages sent through the API",
    "method_maintenance": "this voip.ms API method is under maintenance",
}
DAILY_LIMIT_WAIT_SECONDS = 3600.0  # voip.ms says "per day", not when the day turns
MEDIA_FIELDS = ("media1", "media2", "media3")


class VoipMsCredentials(Credentials):
    api_username: str
    api_password: SecretStr
    webhook_secret: SecretStr


def failure(word: str) -> Exception:
    """voip.ms's error word as the port's error: the daily limit slows the profile down,
    maintenance passes, anything else is a refusal with voip.ms's word as the code."""
    reason = REASONS.get(word, "voip.ms refused the request")
    if word == "limit_reached":
        return CarrierBusy(reason, DAILY_LIMIT_WAIT_SECONDS)
    if word == "method_maintenance":
        return RetryLater(reason)
    return CarrierRefused(word or "no-status", reason)


class VoipMsCarrier:
    kind = "voipms"
    credentials = VoipMsCredentials
    capabilities = Capabilities(
        group_texting=False, max_text=160, receipts=False, max_media=len(MEDIA_FIELDS), nanp_only=True
    )
    default_api_url = "https://voip.ms"

    async def _get(
        self, http: aiohttp.ClientSession, api_url: str, credentials: VoipMsCredentials, **params: str
    ) -> dict[str, str]:
        query = {
            "api_username": credentials.api_username,
            "api_password": credentials.api_password.get_secret_value(),
            **params,
        }
        answer = await call(http, "GET", f"{api_url}/api/v1/rest.php", params=query)
        if not answer.ok:
            raise refusal(answer, None, None)
        body = answer.json()
        if not isinstance(body, dict) or body.get("status") != "success":
            raise failure(str(body.get("status", "")) if isinstance(body, dict) else "")
        return body

    async def submit(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials, submission: Submission
    ) -> Accepted:
        assert isinstance(credentials, VoipMsCredentials)
        (recipient,) = submission.recipients
        params = {
            "did": nanp_digits(submission.sender, 10),
            "dst": nanp_digits(recipient, 10),
            "message": submission.text,
        }
        if submission.media:
            media = dict(zip(MEDIA_FIELDS, (m.url for m in submission.media), strict=False))
            body = await self._get(http, api_url, credentials, method="sendMMS", **params, **media)
            return Accepted(carrier_ids=(str(body.get("mms") or body.get("sms")),), segments=1)
        body = await self._get(http, api_url, credentials, method="sendSMS", **params)
        return Accepted(carrier_ids=(str(body["sms"]),), segments=1)

    async def check_credentials(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials
    ) -> None:
        assert isinstance(credentials, VoipMsCredentials)
        await self._get(http, api_url, credentials, method="getBalance")

    def authentic(self, request: CallbackRequest, credentials: Credentials) -> bool:
        assert isinstance(credentials, VoipMsCredentials)
        return secret_in_path(request, credentials.webhook_secret)

    def receipts(self, request: CallbackRequest) -> list[Receipt]:
        return []  # voip.ms's callbacks are inbound messages only

    def inbound(self, request: CallbackRequest) -> list[InboundText]:
        """voip.ms's SMS URL callback: a GET to the URL the account holds, its placeholders filled
        (``?id={ID}&date={TIMESTAMP}&from={FROM}&to={TO}&message={MESSAGE}``, the URL the profile
        shows); numbers are ten North American digits."""
        params = dict(request.query)
        return [
            InboundText(
                carrier_id=field(params, "id"),
                sender=_nanp(field(params, "from")),
                recipient=_nanp(field(params, "to")),
                text=params.get("message", ""),
            )
        ]

    def replay_key(self, request: CallbackRequest) -> str | None:
        return None  # a secret in the URL, no timestamp: a replay is a retry

    def answer(self) -> CallbackAnswer:
        return CallbackAnswer(status=200, content_type="text/plain", body=b"ok")


def _nanp(digits: str) -> str:
    """voip.ms writes North American numbers as ten digits (eleven with the leading 1)."""
    national = digits.removeprefix("1") if len(digits) == 11 else digits
    if not (len(national) == 10 and national.isdigit()):
        raise ValueError(
            f"voip.ms wrote a number that is not ten North American digits ({len(digits)} chars)"
        )
    return f"+1{national}"
