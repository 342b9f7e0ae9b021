"""What the route modules share."""

from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import StringConstraints, TypeAdapter

from textbus.contracts.common import E164

TENANT = "/v1/tenants/{tenant}"
# The number path parameter's documented pattern, read from the one E.164 type so they cannot differ.
E164_PATTERN: str = TypeAdapter(E164).json_schema()["pattern"]
USER_ID_MAX_LENGTH = 200
UserId = Annotated[str, StringConstraints(min_length=1, max_length=USER_ID_MAX_LENGTH)]


def correlation_id(request: web.Request) -> str | None:
    return request.headers.get("X-Correlation-Id")
