"""What the route modules share."""

from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints

from textbus.kit.http import principal

TENANT = "/v1/tenants/{tenant}"
E164 = Annotated[str, StringConstraints(pattern=r"^\+[1-9]\d{1,14}$")]
UserId = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Page(BaseModel):
    skip: int = Field(default=0, ge=0)
    limit: int = Field(default=50, ge=1, le=500)


def tenant_of(request: web.Request) -> str:
    """The path's tenant, once the caller is allowed to act on it."""
    tenant = request.match_info["tenant"]
    principal(request).require_tenant(tenant)
    return tenant


def correlation_id(request: web.Request) -> str | None:
    return request.headers.get("X-Correlation-Id")
