"""What the carriers that sign nothing (NetSapiens, voip.ms) share: their callbacks are
authenticated by a secret in the callback URL, the path ending ``/s/<webhook_secret>``, and they
address North American numbers by digits alone."""

from __future__ import annotations

import hmac
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr

from textbus.carrier_gateway.service.carriers import CallbackRequest, CarrierRefused


def secret_in_path(request: CallbackRequest, secret: SecretStr) -> bool:
    """Whether the callback URL's path ends with ``/s/<secret>``, compared in constant time."""
    *_, marker, given = ["", "", *urlsplit(request.url).path.split("/")]
    return marker == "s" and hmac.compare_digest(unquote(given).encode(), secret.get_secret_value().encode())


def nanp_digits(number: str, digits: int) -> str:
    """An E.164 North American number as the carrier writes it: 11 digits (``1NPANXXXXXX``) or 10."""
    national = number.removeprefix("+1")
    if not (number.startswith("+1") and len(national) == 10 and national.isdigit()):
        raise CarrierRefused("not-nanp", "the carrier takes North American numbers only (+1 and 10 digits)")
    return national if digits == 10 else f"1{national}"
