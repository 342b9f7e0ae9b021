"""REST routes for ranges of numbers: how many a range holds, and adding one (a job)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from textbus.contracts.common import Id
from textbus.kit.bus import MessageBus
from textbus.kit.http import Api, RequestModel, principal, tenant_of
from textbus.numbers.config import NumbersSettings
from textbus.numbers.domain.phone import number_range
from textbus.numbers.entrypoints.http.common import JOB_LOCATION, TAGS, TENANT, accepted
from textbus.numbers.service.inventory import AddRange
from textbus.numbers.service.jobs import JobView


class RangeBounds(RequestModel):
    country_code: int = Field(ge=1, le=999)
    first: str = Field(min_length=1, max_length=40, description="The first national number.")
    last: str = Field(min_length=1, max_length=40, description="The last national number (inclusive).")


class NewRange(RangeBounds):
    sms_capable: bool
    carrier_profile_id: Id | None = None


class RangePreview(BaseModel):
    first: str
    last: str
    size: int
    max_size: int


def register_range_routes(api: Api, bus: MessageBus, settings: NumbersSettings) -> None:
    @api.post(
        f"{TENANT}/number-ranges/preview",
        summary="How many numbers a range holds",
        body=RangeBounds,
        response=RangePreview,
        tags=TAGS,
    )
    async def preview_range(_: web.Request, body: RangeBounds) -> RangePreview:
        block = number_range(body.country_code, body.first, body.last, max_size=settings.max_range_size)
        return RangePreview(
            first=block.first, last=block.last, size=block.size, max_size=settings.max_range_size
        )

    @api.post(
        f"{TENANT}/number-ranges",
        summary="Add a range of numbers (a job)",
        body=NewRange,
        response=JobView,
        status=202,
        tags=TAGS,
        response_headers=JOB_LOCATION,
    )
    async def add_range(request: web.Request, body: NewRange) -> web.Response:
        tenant, who = tenant_of(request), principal(request)
        job = await bus.handle(
            AddRange(
                tenant=tenant,
                requested_by=who.subject,
                is_provider=who.is_provider,
                country_code=body.country_code,
                first=body.first,
                last=body.last,
                sms_capable=body.sms_capable,
                carrier_profile_id=body.carrier_profile_id,
            )
        )
        return accepted(tenant, job)
