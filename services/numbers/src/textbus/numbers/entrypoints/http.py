"""REST routes of the numbers service: thin, each validates its input and calls one use case."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field, model_validator

from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import (
    AddNumber,
    AssignNumber,
    DeleteNumber,
    RegisterNumber,
    UnassignNumber,
    UpdateNumber,
)
from textbus.kit.http import Api, principal, query_model
from textbus.kit.problems import InvalidRequest, NotFound, PayloadTooLarge, UnsupportedMediaType
from textbus.numbers.adapters.catalog import MongoCatalog
from textbus.numbers.domain.csv_import import TEMPLATE, MalformedFile, parse_import
from textbus.numbers.domain.phone import InvalidNumber, NumberRange, number_range, parse_any, parse_number
from textbus.numbers.service.inventory import Inventory
from textbus.numbers.service.jobs import JobView
from textbus.numbers.service.queries import NumberPage, NumberQuery, NumberView

TENANT = "/v1/tenants/{tenant}"
TAGS = ("numbers",)


class NewNumber(BaseModel):
    country_code: int = Field(ge=1, le=999, examples=[1])
    national_number: str = Field(min_length=1, max_length=40, examples=["415 555 0100"])
    sms_capable: bool
    carrier_profile_id: str | None = None


class RangeBounds(BaseModel):
    country_code: int = Field(ge=1, le=999)
    first: str = Field(min_length=1, max_length=40, description="The first national number.")
    last: str = Field(min_length=1, max_length=40, description="The last national number (inclusive).")


class NewRange(RangeBounds):
    sms_capable: bool
    carrier_profile_id: str | None = None


class RangePreview(BaseModel):
    first: str
    last: str
    size: int
    max_size: int


class NumberChange(BaseModel):
    carrier_profile_id: str | None = Field(default=None, description="The new carrier profile.")
    clear_carrier_profile: bool = Field(default=False, description="Remove the carrier profile.")
    sms_capable: bool | None = Field(default=None, description="Add (true) or remove (false) SMS capability.")

    @model_validator(mode="after")
    def _something_changes(self) -> NumberChange:
        if self.carrier_profile_id is None and not self.clear_carrier_profile and self.sms_capable is None:
            raise ValueError("say what to change: carrier_profile_id, clear_carrier_profile or sms_capable")
        if self.carrier_profile_id is not None and self.clear_carrier_profile:
            raise ValueError("set a carrier profile or clear it, not both")
        return self


class Selected(BaseModel):
    """Which numbers: an explicit list, or every number matching a filter ("Select All")."""

    numbers: list[str] | None = Field(default=None, max_length=100_000)
    filter: NumberQuery | None = None

    @model_validator(mode="after")
    def _one_selection(self) -> Selected:
        if (self.numbers is None) == (self.filter is None):
            raise ValueError("give either numbers or filter")
        return self


class BulkChange(Selected, NumberChange):
    pass


class NewAssignee(BaseModel):
    kind: Literal["user", "group"]
    id: str = Field(min_length=1, max_length=200)
    replace: bool = Field(default=False, description="Move the number if it is assigned to someone else.")


class JobQuery(BaseModel):
    results: bool = False


def _e164(raw: str) -> str:
    try:
        return parse_any(raw)
    except InvalidNumber as error:
        raise InvalidRequest(str(error), number=raw) from error


def _e164_list(raw: list[str]) -> list[str]:
    numbers, invalid = [], []
    for item in raw:
        try:
            numbers.append(parse_any(item))
        except InvalidNumber:
            invalid.append(item)
    if invalid:
        raise InvalidRequest("some numbers are not valid phone numbers", numbers=invalid)
    return numbers


def register_number_routes(
    api: Api, inventory: Inventory, catalog: MongoCatalog, clock: Callable[[], datetime]
) -> None:
    settings = inventory.settings

    async def number_view(tenant: str, number: str) -> NumberView:
        view = await catalog.view(tenant, number, clock())
        if view is None:
            raise NotFound(f"{number} is not in this enterprise's inventory", number=number)
        return view

    @api.post(
        f"{TENANT}/numbers",
        summary="Add one number",
        body=NewNumber,
        response=NumberView,
        status=201,
        tags=TAGS,
        responses={409: "Already on the platform, or released"},
    )
    async def add_number(request: web.Request, body: NewNumber) -> NumberView:
        tenant, who = request.match_info["tenant"], principal(request)
        await inventory.require_manager(who, tenant)
        try:
            number = parse_number(body.country_code, body.national_number)
        except InvalidNumber as error:
            raise InvalidRequest(str(error)) from error
        await inventory.require_profile(tenant, body.carrier_profile_id)
        await inventory.change(
            tenant,
            AddNumber(
                number=number,
                requested_by=who.subject,
                sms_capable=body.sms_capable,
                carrier_profile_id=body.carrier_profile_id,
            ),
        )
        return await number_view(tenant, number)

    @api.get(
        f"{TENANT}/numbers",
        summary="Find numbers: quick search, column and Services filters",
        response=NumberPage,
        tags=TAGS,
    )
    async def find_numbers(request: web.Request) -> NumberPage:
        tenant = request.match_info["tenant"]
        principal(request).require_tenant(tenant)
        query = query_model(request, NumberQuery)
        items, total = await catalog.page(tenant, query, clock())
        return NumberPage(items=items, total=total, skip=query.skip, limit=query.limit)

    @api.get(f"{TENANT}/numbers/export", summary="Export numbers as CSV (any filter)", tags=TAGS)
    async def export_numbers(request: web.Request) -> web.StreamResponse:
        tenant = request.match_info["tenant"]
        principal(request).require_tenant(tenant)
        query = query_model(request, NumberQuery)
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="numbers-{tenant}.csv"',
            }
        )
        await response.prepare(request)
        await response.write(_csv_rows([EXPORT_HEADER]))
        async for batch in catalog.stream(tenant, query, clock()):
            await response.write(_csv_rows(_export_row(v) for v in batch))
        await response.write_eof()
        return response

    @api.get(
        f"{TENANT}/numbers/{{number}}",
        summary="One number",
        response=NumberView,
        tags=TAGS,
        responses={404: "Not in this enterprise's inventory"},
    )
    async def get_number(request: web.Request) -> NumberView:
        tenant = request.match_info["tenant"]
        principal(request).require_tenant(tenant)
        return await number_view(tenant, _e164(request.match_info["number"]))

    @api.patch(
        f"{TENANT}/numbers/{{number}}",
        summary="Change carrier profile and/or SMS capability",
        body=NumberChange,
        response=NumberView,
        tags=TAGS,
        responses={404: "Not in this enterprise's inventory", 409: "Assigned (capability), or released"},
    )
    async def update_number(request: web.Request, body: NumberChange) -> NumberView:
        tenant, who = request.match_info["tenant"], principal(request)
        await inventory.require_manager(who, tenant)
        number = _e164(request.match_info["number"])
        await inventory.require_profile(tenant, body.carrier_profile_id)
        await inventory.change(
            tenant,
            UpdateNumber(
                number=number,
                requested_by=who.subject,
                carrier_profile_id=body.carrier_profile_id,
                clear_carrier_profile=body.clear_carrier_profile,
                sms_capable=body.sms_capable,
            ),
        )
        return await number_view(tenant, number)

    @api.delete(
        f"{TENANT}/numbers/{{number}}",
        summary="Delete an unassigned number",
        status=204,
        tags=TAGS,
        responses={404: "Not in this enterprise's inventory", 409: "Assigned, or released"},
    )
    async def delete_number(request: web.Request) -> web.Response:
        tenant, who = request.match_info["tenant"], principal(request)
        await inventory.require_manager(who, tenant)
        number = _e164(request.match_info["number"])
        await inventory.change(tenant, DeleteNumber(number=number, requested_by=who.subject))
        return web.Response(status=204)

    @api.put(
        f"{TENANT}/numbers/{{number}}/assignee",
        summary="Assign (or, with replace, change the assignee)",
        body=NewAssignee,
        response=NumberView,
        tags=TAGS,
        responses={
            404: "Not in this enterprise's inventory",
            409: "Not SMS capable, assigned already, released, or the assignee is disabled",
            422: "No such assignee in this enterprise",
        },
    )
    async def assign(request: web.Request, body: NewAssignee) -> NumberView:
        tenant, who = request.match_info["tenant"], principal(request)
        who.require_tenant(tenant)
        number = _e164(request.match_info["number"])
        await inventory.change(
            tenant,
            AssignNumber(
                number=number,
                requested_by=who.subject,
                assignee=Assignee(kind=body.kind, id=body.id),
                replace=body.replace,
            ),
        )
        return await number_view(tenant, number)

    @api.delete(
        f"{TENANT}/numbers/{{number}}/assignee",
        summary="Unassign",
        response=NumberView,
        tags=TAGS,
        responses={404: "Not in this enterprise's inventory", 409: "Not assigned"},
    )
    async def unassign(request: web.Request) -> NumberView:
        tenant, who = request.match_info["tenant"], principal(request)
        who.require_tenant(tenant)
        number = _e164(request.match_info["number"])
        await inventory.change(tenant, UnassignNumber(number=number, requested_by=who.subject))
        return await number_view(tenant, number)

    @api.post(
        f"{TENANT}/numbers/{{number}}/registration",
        summary="Register the number (tier limit applies)",
        response=NumberView,
        tags=TAGS,
        responses={409: "Tier limit reached, or released"},
    )
    async def register(request: web.Request) -> NumberView:
        tenant, who = request.match_info["tenant"], principal(request)
        await inventory.require_manager(who, tenant)
        number = _e164(request.match_info["number"])
        await inventory.change(tenant, RegisterNumber(number=number, requested_by=who.subject))
        return await number_view(tenant, number)

    @api.post(
        f"{TENANT}/number-ranges/preview",
        summary="How many numbers a range holds",
        body=RangeBounds,
        response=RangePreview,
        tags=TAGS,
    )
    async def preview_range(request: web.Request, body: RangeBounds) -> RangePreview:
        principal(request).require_tenant(request.match_info["tenant"])
        block = _range(body, settings.max_range_size)
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
    )
    async def add_range(request: web.Request, body: NewRange) -> JobView:
        tenant, who = request.match_info["tenant"], principal(request)
        await inventory.require_manager(who, tenant)
        block = _range(body, settings.max_range_size)
        await inventory.require_profile(tenant, body.carrier_profile_id)
        return await inventory.jobs.start(
            tenant=tenant,
            kind="range",
            requested_by=who.subject,
            numbers=[{"number": n} for n in block.numbers()],
            params={"sms_capable": body.sms_capable, "carrier_profile_id": body.carrier_profile_id},
        )

    @api.get(
        f"{TENANT}/number-imports/template", summary="The CSV template for imports", public=True, tags=TAGS
    )
    async def import_template(_: web.Request) -> web.Response:
        return web.Response(
            text=TEMPLATE,
            content_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="numbers-template.csv"'},
        )

    @api.post(
        f"{TENANT}/number-imports",
        summary="Import numbers from a CSV file (a job)",
        response=JobView,
        status=202,
        tags=TAGS,
        responses={
            413: "File over the size limit",
            415: "Not text/csv",
            422: "Malformed file, or unknown carrier profile",
        },
    )
    async def import_numbers(request: web.Request) -> JobView:
        tenant, who = request.match_info["tenant"], principal(request)
        await inventory.require_manager(who, tenant)
        if request.content_type != "text/csv":
            raise UnsupportedMediaType("send the file as text/csv")
        if (request.content_length or 0) > settings.max_import_bytes:
            raise PayloadTooLarge(f"the file is over {settings.max_import_bytes} bytes")
        profile = request.query.get("carrier_profile_id") or None
        await inventory.require_profile(tenant, profile)
        try:
            rows = parse_import(
                await request.read(), max_bytes=settings.max_import_bytes, max_rows=settings.max_import_rows
            )
        except MalformedFile as error:
            raise InvalidRequest(str(error)) from error
        return await inventory.jobs.start(
            tenant=tenant,
            kind="import",
            requested_by=who.subject,
            numbers=[
                {"number": r.number, "line": r.line, "sms_capable": r.sms_capable}
                for r in rows
                if r.error is None
            ],
            rejected=[
                {"number": r.number, "line": r.line, "code": r.error, "detail": r.detail}
                for r in rows
                if r.error is not None
            ],
            params={"carrier_profile_id": profile},
        )

    @api.post(
        f"{TENANT}/numbers/bulk-update",
        summary="Change many numbers (a job)",
        body=BulkChange,
        response=JobView,
        status=202,
        tags=TAGS,
        responses={
            404: "Some numbers are not this enterprise's",
            409: "Capability change with assigned numbers (named)",
        },
    )
    async def bulk_update(request: web.Request, body: BulkChange) -> JobView:
        tenant, who = request.match_info["tenant"], principal(request)
        await inventory.require_manager(who, tenant)
        await inventory.require_profile(tenant, body.carrier_profile_id)
        numbers = _e164_list(body.numbers) if body.numbers is not None else None
        selected = await inventory.select(tenant, numbers, body.filter)
        return await inventory.bulk(
            tenant,
            "update",
            who.subject,
            selected,
            refuse_assigned=body.sms_capable is not None,
            params=body.model_dump(include={"carrier_profile_id", "clear_carrier_profile", "sms_capable"}),
        )

    @api.post(
        f"{TENANT}/numbers/bulk-delete",
        summary="Delete many numbers (a job)",
        body=Selected,
        response=JobView,
        status=202,
        tags=TAGS,
        responses={404: "Some numbers are not this enterprise's", 409: "Assigned numbers (named)"},
    )
    async def bulk_delete(request: web.Request, body: Selected) -> JobView:
        tenant, who = request.match_info["tenant"], principal(request)
        await inventory.require_manager(who, tenant)
        numbers = _e164_list(body.numbers) if body.numbers is not None else None
        selected = await inventory.select(tenant, numbers, body.filter)
        return await inventory.bulk(tenant, "delete", who.subject, selected, refuse_assigned=True)

    @api.get(
        f"{TENANT}/jobs/{{job_id}}",
        summary="A job's progress, and its results once completed",
        response=JobView,
        tags=TAGS,
        responses={404: "No such job"},
    )
    async def get_job(request: web.Request) -> JobView:
        tenant = request.match_info["tenant"]
        principal(request).require_tenant(tenant)
        with_results = query_model(request, JobQuery).results
        view = await inventory.jobs.view(request.match_info["job_id"], tenant, with_results=with_results)
        if view is None:
            raise NotFound("no such job")
        return view


def _range(body: RangeBounds, max_size: int) -> NumberRange:
    try:
        return number_range(body.country_code, body.first, body.last, max_size=max_size)
    except InvalidNumber as error:
        raise InvalidRequest(str(error)) from error


EXPORT_HEADER = [
    "Phone Number",
    "Assigned To",
    "Assignee Type",
    "Assignee Id",
    "SMS Carrier",
    "Carrier Profile",
    "SMS Capable",
    "Service",
    "Issues",
    "Registration",
    "Lifecycle",
    "Last Activity",
    "Release Date",
]


def _export_row(view: NumberView) -> list[str]:
    assignee, profile = view.assignee, view.carrier_profile
    return [
        view.number,
        (assignee.name or "") if assignee else "Unassigned",
        assignee.kind if assignee else "",
        assignee.id if assignee else "",
        (profile.carrier or "") if profile else "",
        profile.id if profile else "",
        "Yes" if view.sms_capable else "No",
        view.service_chip.state,
        " ".join(view.service_chip.issues),
        view.registration,
        view.lifecycle,
        view.last_activity_at.isoformat() if view.last_activity_at else "",
        view.inactivity.release_at.date().isoformat() if view.inactivity else "",
    ]


def _csv_rows(rows: object) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)  # type: ignore[arg-type]
    return buffer.getvalue().encode()
