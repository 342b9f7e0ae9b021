"""The one strict way an adapter reads a carrier's call: a body that is not UTF-8, not JSON or not
a form is refused with a reason (``ValueError``), never decoded with replacement characters, so
nothing is published half-read."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from textbus.carrier_gateway.service.carriers import CallbackRequest, InboundMedia


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


def field(values: dict[str, Any], name: str) -> str:
    """A required, non-empty string field."""
    value = values.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"the callback has no {name}")
    return value


def optional_text(values: dict[str, Any], name: str) -> str | None:
    """An optional string field: None when absent or not a string (a hint, not a requirement)."""
    value = values.get(name)
    return value if isinstance(value, str) and value else None


def optional_int(values: dict[str, Any], name: str) -> int | None:
    value = values.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def files(
    values: dict[str, Any], name: str, type_name: str, size_name: str = "size"
) -> tuple[InboundMedia, ...]:
    """A JSON list of file objects (``url``, a type, a size) as the port's media."""
    items = values.get(name) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"the message's {name} is a list of {{url, {type_name}, {size_name}}}")
    return tuple(
        InboundMedia(field(item, "url"), optional_text(item, type_name), optional_int(item, size_name))
        for item in items
    )


def body_text(values: dict[str, Any], name: str = "text") -> str:
    """A message's text: empty when absent (an MMS may have none), refused when not a string."""
    value = values.get(name) or ""
    if not isinstance(value, str):
        raise ValueError(f"the message's {name} is not a string")
    return value
