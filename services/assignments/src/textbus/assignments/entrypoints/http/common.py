"""What the route modules share."""

from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import StringConstraints

TENANT = "/v1/tenants/{tenant}"
E164_PATTERN = r"^\+[1-9]\d{1,14}$"
E164 = Annotated[str, StringConstraints(pattern=E164_PATTERN)]
USER_ID_MAX_LENGTH = 200
UserId = Annotated[str, StringConstraints(min_length=1, max_length=USER_ID_MAX_LENGTH)]


def correlation_id(request: web.Request) -> str | None:
    return request.headers.get("X-Correlation-Id")
