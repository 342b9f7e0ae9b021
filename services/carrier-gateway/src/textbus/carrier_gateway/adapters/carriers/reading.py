"""The one strict way an adapter reads a carrier's call: a body that is not UTF-8, not JSON or not
a form is refused with a reason (``ValueError``), never decoded with replacement characters, so
nothing is published half-read."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from textbus.carrier_gateway.service.carriers import CallbackRequest


def text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the callback's body is not UTF-8") from None


def json_body(request: CallbackRequest) -> Any:
    try:
        return json.loads(text(request.body))
    except json.JSONDecodeError:
        raise ValueError("the callback's body is not JSON") from None


def form(request: CallbackRequest) -> list[tuple[str, str]]:
    """A form post's fields in order; percent-escapes that are not UTF-8 are refused."""
    try:
        return parse_qsl(text(request.body), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ValueError("the callback's form is not UTF-8") from None


def parameters(request: CallbackRequest) -> dict[str, str]:
    """The call's parameters: the query for a GET, the form for a form POST (first value wins)."""
    fields = request.query if request.method == "GET" else form(request)
    chosen: dict[str, str] = {}
    for name, value in fields:
        chosen.setdefault(name, value)
    return chosen


def field(values: dict[str, Any], name: str) -> str:
    """A required, non-empty string field."""
    value = values.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"the callback has no {name}")
    return value
