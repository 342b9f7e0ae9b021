"""The one way a carrier adapter makes an HTTP call and turns what went wrong into the port's
errors, so every carrier maps transport failures alike:

- the connection could not be made: the request never left, ``RetryLater``;
- the request was written but no answer came (timeout, cut connection): ``SubmitUnknown``,
  since the carrier may have taken it;
- 429: ``CarrierBusy`` with the Retry-After it gave; 5xx: ``RetryLater``; any other non-2xx is
  the adapter's to read (``refusal`` maps it to a permanent ``CarrierRefused``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp

from textbus.carrier_gateway.service.carriers import CarrierBusy, CarrierRefused, SubmitUnknown
from textbus.kit.outbound import RetryLater, retry_after_seconds


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        """A success answer's JSON: unreadable, it leaves the submit's outcome unknown."""
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise SubmitUnknown(f"the carrier's answer (HTTP {self.status}) is not JSON") from error

    def error_body(self) -> dict[str, Any]:
        """A refusal's JSON object, or an empty one when it sent none (the refusal stands anyway)."""
        try:
            body = json.loads(self.body)
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}


async def call(http: aiohttp.ClientSession, method: str, url: str, **request: Any) -> Answer:
    """Make the request; 429 and 5xx raise, any other answer is returned."""
    try:
        async with http.request(method, url, **request) as response:
            answer = Answer(response.status, dict(response.headers), await response.read())
    except aiohttp.ClientConnectorError as error:
        raise RetryLater(f"the carrier could not be reached ({type(error).__name__})") from None
    except (TimeoutError, aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError):
        raise SubmitUnknown("the carrier did not answer in time: it may have taken the message") from None
    except aiohttp.ClientError as error:
        raise SubmitUnknown(f"the carrier's answer could not be read ({type(error).__name__})") from None
    if answer.status == 429:
        raise CarrierBusy(
            "the carrier asked to slow down (429)", retry_after_seconds(answer.headers.get("Retry-After"))
        )
    if answer.status >= 500:
        raise RetryLater(
            f"the carrier failed (HTTP {answer.status})",
            retry_after_seconds(answer.headers.get("Retry-After")),
        )
    return answer


def refusal(answer: Answer, code: str | None, reason: str | None) -> CarrierRefused:
    """A 4xx answer as a permanent refusal with the carrier's code (the HTTP status if it gave none)."""
    return CarrierRefused(
        code or f"http-{answer.status}", reason or f"the carrier refused the request (HTTP {answer.status})"
    )


def iso_time(value: Any) -> datetime | None:
    """A time a carrier wrote in ISO 8601, or None when it wrote none or something else."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
