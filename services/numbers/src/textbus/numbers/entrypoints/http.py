"""REST routes of the numbers service: thin, each validates its input and calls one use case."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field, field_validator, model_validator

from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import (
    AddNumber,
    AssignNumber,
    DeleteNumber,
    RegisterNumber,
    UnassignNumber,
    UpdateNumber,
)
from textbus.kit.files import attachment, csv_bytes, read_upload
from textbus.kit.http import Api, RequestModel, json_response, principal, streaming, tenant_of
from textbus.kit.problems import InvalidRequest, NotFound
from textbus.numbers.adapters.catalog import MongoCatalog
from textbus.numbers.domain.csv_import import TEMPLATE, MalformedFile, parse_import
from textbus.numbers.domain.phone import InvalidNumber, NumberRange, number_range, parse_any, parse_number
from textbus.numbers.service.inventory import Inventory
from textbus.numbers.service.jobs import JobView
from textbus.numbers.service.queries import NumberFilter, NumberPage, NumberQuery, NumberView, SortedFilter

TENANT = "/v1/tenants/{tenant}"
TAGS = ("numbers",)
JOB_LOCATION = {"Location": "The job: GET it for its progress, and its results once completed."}


class NewNumber(RequestModel):
    country_code: int = Field(ge=1, le=999, examples=[1])
    national_number: str = Field(min_length=1, max_length=40, examples=["415 555 0100"])
    sms_capable: bool
    carrier_profile_id: str | None = None


class RangeBounds(RequestModel):
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


class NumberChange(RequestModel):
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


class Selected(RequestModel):
    """Which numbers: an explicit list, every number matching a filter ("Select All" of a search),
    or every number of the enterprise, asked for explicitly."""

    numbers: list[str] | None = Field(default=None, max_length=100_000)
    filter: NumberFilter | None = Field(default=None, description="At least one criterion.")
    every_number: bool = Field(default=False, description="Every number of the enterprise.")

    @field_validator("filter")
    @classmethod
    def _some_criterion(cls, value: NumberFilter | None) -> NumberFilter | None:
        if value is not None and value.is_empty:
            raise ValueError("the filter has no criterion; to select every number, send every_number: true")
        return value

    @model_validator(mode="after")
    def _one_selection(self) -> Selected:
        if [self.numbers is not None, self.filter is not None, self.every_number].count(True) != 1:
            raise ValueError("give exactly one of numbers, filter or every_number: true")
        return self

    def chosen(self) -> list[str] | NumberFilter:
        """The numbers named, in E.164, or the criteria (none for every number)."""
        if self.numbers is not None:
            return _e164_list(self.numbers)
        return self.filter or NumberFilter()


class BulkChange(Selected, NumberChange):
    pass


class NewAssignee(RequestModel):
    kind: Literal["user", "group"]
    id: str = Field(min_length=1, max_length=200)
    replace: bool = Field(default=False, description="Move the number if it is assigned to someone else.")


class JobQuery(RequestModel):
    results: bool = Field(default=False, description="Include every number's result (once completed).")


class ImportQuery(RequestModel):
    carrier_profile_id: str | None = Field(
        default=None,
        min_length=1,
        description="The carrier profile of every imported number, for a raw text/csv body "
        "(a multipart upload gives it as a form field).",
    )


IMPORT_CONTENT = {
    "text/csv": {"type": "string", "description": "The file itself (see the template)."},
    "multipart/form-data": {
        "type": "object",
        "required": ["file"],
        "additionalProperties": False,
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "The CSV file (see the template)."},
            "carrier_profile_id": {"type": "string", "description": "The carrier profile of every number."},
        },
    },
}


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
    api.path_parameter(
        "number",
        "The phone number, E.164 (+14155550100); other common formats are read too.",
        minLength=1,
        maxLength=40,
    )
    api.path_parameter("job_id", "The job's id, from the answer that started it.", minLength=1, maxLength=100)

    async def number_view(tenant: str, number: str) -> NumberView:
        view = await catalog.view(tenant, number, clock())
        if view is None:
            raise NotFound(f"{number} is not in this enterprise's inventory", number=number)
        return view

    def accepted(tenant: str, job: JobView) -> web.Response:
        return json_response(job, 202, headers={"Location": f"/v1/tenants/{tenant}/jobs/{job.job_id}"})

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
        tenant, who = tenant_of(request), principal(request)
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
        query=NumberQuery,
        response=NumberPage,
        tags=TAGS,
    )
    async def find_numbers(request: web.Request, query: NumberQuery) -> NumberPage:
        items, total = await catalog.page(tenant_of(request), query, clock())
        return NumberPage(items=items, total=total, skip=query.skip, limit=query.limit)

    @api.get(
        f"{TENANT}/numbers/export",
        summary="Export numbers as CSV (any filter)",
        query=SortedFilter,
        tags=TAGS,
        response_content_type="text/csv",
        response_headers={"Content-Disposition": "attachment, named numbers-<tenant>.csv"},
    )
    async def export_numbers(request: web.Request, query: SortedFilter) -> web.StreamResponse:
        tenant = tenant_of(request)
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": attachment(f"numbers-{tenant}.csv"),
            }
        )
        await response.prepare(request)
        streaming(request)
        await response.write(csv_bytes([EXPORT_HEADER]))
        async for batch in catalog.stream(tenant, query, clock()):
            await response.write(csv_bytes(_export_row(v) for v in batch))
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
        return await number_view(tenant_of(request), _e164(request.match_info["number"]))

    @api.patch(
        f"{TENANT}/numbers/{{number}}",
        summary="Change carrier profile and/or SMS capability",
        body=NumberChange,
        response=NumberView,
        tags=TAGS,
        responses={404: "Not in this enterprise's inventory", 409: "Assigned (capability), or released"},
    )
    async def update_number(request: web.Request, body: NumberChange) -> NumberView:
        tenant, who = tenant_of(request), principal(request)
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
        tenant, who = tenant_of(request), principal(request)
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
            422: "No such assignee in this enterprise (refused at once), or an invalid request",
        },
    )
    async def assign(request: web.Request, body: NewAssignee) -> NumberView:
        tenant, who = tenant_of(request), principal(request)
        number = _e164(request.match_info["number"])
        # Not assignee_in_flight: the caller cannot know of an assignee the read model has not seen.
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
        tenant, who = tenant_of(request), principal(request)
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
        tenant, who = tenant_of(request), principal(request)
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
    async def preview_range(_: web.Request, body: RangeBounds) -> RangePreview:
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
        response_headers=JOB_LOCATION,
    )
    async def add_range(request: web.Request, body: NewRange) -> web.Response:
        tenant, who = tenant_of(request), principal(request)
        await inventory.require_manager(who, tenant)
        block = _range(body, settings.max_range_size)
        await inventory.require_profile(tenant, body.carrier_profile_id)
        job = await inventory.jobs.start(
            tenant=tenant,
            kind="range",
            requested_by=who.subject,
            numbers=[{"number": n} for n in block.numbers()],
            params={"sms_capable": body.sms_capable, "carrier_profile_id": body.carrier_profile_id},
        )
        return accepted(tenant, job)

    @api.get(
        f"{TENANT}/number-imports/template",
        summary="The CSV template for imports",
        public=True,
        tags=TAGS,
        response_content_type="text/csv",
    )
    async def import_template(_: web.Request) -> web.Response:
        return web.Response(
            text=TEMPLATE,
            content_type="text/csv",
            headers={"Content-Disposition": attachment("numbers-template.csv")},
        )

    @api.post(
        f"{TENANT}/number-imports",
        summary="Import numbers from a CSV file, sent raw or as the file of a form (a job)",
        query=ImportQuery,
        content=IMPORT_CONTENT,
        response=JobView,
        status=202,
        tags=TAGS,
        response_headers=JOB_LOCATION,
        responses={422: "Malformed file, unknown form field, or unknown carrier profile"},
    )
    async def import_numbers(request: web.Request, query: ImportQuery) -> web.Response:
        tenant, who = tenant_of(request), principal(request)
        await inventory.require_manager(who, tenant)
        upload = await read_upload(request, media_type="text/csv", max_bytes=settings.max_import_bytes)
        profile = import_carrier_profile(query, upload.fields)
        await inventory.require_profile(tenant, profile)
        try:
            rows = parse_import(
                upload.content, max_bytes=settings.max_import_bytes, max_rows=settings.max_import_rows
            )
        except MalformedFile as error:
            raise InvalidRequest(str(error)) from error
        job = await inventory.jobs.start(
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
        return accepted(tenant, job)

    @api.post(
        f"{TENANT}/numbers/bulk-update",
        summary="Change many numbers (a job)",
        body=BulkChange,
        response=JobView,
        status=202,
        tags=TAGS,
        response_headers=JOB_LOCATION,
        responses={
            404: "Some numbers are not this enterprise's",
            409: "Capability change with assigned numbers (named)",
        },
    )
    async def bulk_update(request: web.Request, body: BulkChange) -> web.Response:
        tenant, who = tenant_of(request), principal(request)
        await inventory.require_manager(who, tenant)
        await inventory.require_profile(tenant, body.carrier_profile_id)
        selected = await inventory.select(tenant, body.chosen())
        job = await inventory.bulk(
            tenant,
            "update",
            who.subject,
            selected,
            refuse_assigned=body.sms_capable is not None,
            params=body.model_dump(include={"carrier_profile_id", "clear_carrier_profile", "sms_capable"}),
        )
        return accepted(tenant, job)

    @api.post(
        f"{TENANT}/numbers/bulk-delete",
        summary="Delete many numbers (a job)",
        body=Selected,
        response=JobView,
        status=202,
        tags=TAGS,
        response_headers=JOB_LOCATION,
        responses={404: "Some numbers are not this enterprise's", 409: "Assigned numbers (named)"},
    )
    async def bulk_delete(request: web.Request, body: Selected) -> web.Response:
        tenant, who = tenant_of(request), principal(request)
        await inventory.require_manager(who, tenant)
        selected = await inventory.select(tenant, body.chosen())
        job = await inventory.bulk(tenant, "delete", who.subject, selected, refuse_assigned=True)
        return accepted(tenant, job)

    @api.get(
        f"{TENANT}/jobs/{{job_id}}",
        summary="A job's progress, and its results once completed",
        query=JobQuery,
        response=JobView,
        tags=TAGS,
        responses={404: "No such job"},
    )
    async def get_job(request: web.Request, query: JobQuery) -> JobView:
        view = await inventory.jobs.view(
            request.match_info["job_id"], tenant_of(request), with_results=query.results
        )
        if view is None:
            raise NotFound("no such job")
        return view


def import_carrier_profile(query: ImportQuery, fields: Mapping[str, str]) -> str | None:
    """The import's carrier profile: the form's field, or the query's for a raw body; once."""
    unknown = sorted(fields.keys() - {"carrier_profile_id"})
    if unknown:
        raise InvalidRequest(
            "the form has fields this import does not take; send file and, optionally, carrier_profile_id",
            errors=[{"location": f"form.{name}", "message": "Unknown form field"} for name in unknown],
        )
    form_profile = fields.get("carrier_profile_id") or None
    if form_profile is not None and query.carrier_profile_id is not None:
        raise InvalidRequest("give carrier_profile_id once: as a form field or in the query, not both")
    return form_profile or query.carrier_profile_id


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
