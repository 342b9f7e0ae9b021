"""REST routes for single numbers: add, find, export, read, change, delete, assign, register."""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import Field

from textbus.contracts.common import Assignee, Id
from textbus.contracts.numbers.v1 import (
    AddNumber,
    AssignNumber,
    DeleteNumber,
    NumberCommand,
    RegisterNumber,
    UnassignNumber,
    UpdateNumber,
)
from textbus.kit.bus import MessageBus
from textbus.kit.clock import Clock
from textbus.kit.files import attachment, csv_bytes
from textbus.kit.http import Api, Page, PageQuery, RequestModel, principal, streaming, tenant_of
from textbus.kit.problems import NotFound
from textbus.numbers.domain.phone import parse_number
from textbus.numbers.entrypoints.http.common import TAGS, TENANT, NumberChange, e164
from textbus.numbers.service.inventory import ChangeNumber
from textbus.numbers.service.queries import Catalog, NumberView, SortedFilter


class NewNumber(RequestModel):
    country_code: int = Field(ge=1, le=999, examples=[1])
    national_number: str = Field(min_length=1, max_length=40, examples=["415 555 0100"])
    sms_capable: bool
    carrier_profile_id: Id | None = None


class NumberQuery(SortedFilter, PageQuery):
    """A page of the numbers a filter selects, in order."""


class NewAssignee(RequestModel):
    kind: Literal["user", "group"]
    id: str = Field(min_length=1, max_length=200)
    replace: bool = Field(default=False, description="Move the number if it is assigned to someone else.")


def register_number_routes(api: Api, bus: MessageBus, catalog: Catalog, clock: Clock) -> None:
    async def number_view(tenant: str, number: str) -> NumberView:
        view = await catalog.view(tenant, number, clock())
        if view is None:
            raise NotFound(f"{number} is not in this enterprise's inventory", number=number)
        return view

    async def changed(
        request: web.Request,
        change: NumberCommand,
        *,
        managers_only: bool,
        carrier_profile_id: str | None = None,
    ) -> str:
        """Hand one number's change to its use case; once it is applied, the tenant it was made in."""
        tenant = tenant_of(request)
        await bus.handle(
            ChangeNumber(
                tenant,
                change,
                is_provider=principal(request).is_provider,
                managers_only=managers_only,
                carrier_profile_id=carrier_profile_id,
            )
        )
        return tenant

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
        number = parse_number(body.country_code, body.national_number)
        change = AddNumber(
            number=number,
            requested_by=principal(request).subject,
            sms_capable=body.sms_capable,
            carrier_profile_id=body.carrier_profile_id,
        )
        tenant = await changed(
            request, change, managers_only=True, carrier_profile_id=body.carrier_profile_id
        )
        return await number_view(tenant, number)

    @api.get(
        f"{TENANT}/numbers",
        summary="Find numbers: quick search, column and Services filters",
        query=NumberQuery,
        response=Page[NumberView],
        tags=TAGS,
    )
    async def find_numbers(request: web.Request, query: NumberQuery) -> Page[NumberView]:
        items, total = await catalog.page(
            tenant_of(request), query, clock(), skip=query.skip, limit=query.limit
        )
        return Page[NumberView](items=items, total=total, skip=query.skip, limit=query.limit)

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
        return await number_view(tenant_of(request), e164(request.match_info["number"]))

    @api.patch(
        f"{TENANT}/numbers/{{number}}",
        summary="Change carrier profile and/or SMS capability",
        body=NumberChange,
        response=NumberView,
        tags=TAGS,
        responses={404: "Not in this enterprise's inventory", 409: "Assigned (capability), or released"},
    )
    async def update_number(request: web.Request, body: NumberChange) -> NumberView:
        number = e164(request.match_info["number"])
        change = UpdateNumber(
            number=number,
            requested_by=principal(request).subject,
            carrier_profile_id=body.carrier_profile_id,
            clear_carrier_profile=body.clear_carrier_profile,
            sms_capable=body.sms_capable,
        )
        tenant = await changed(
            request, change, managers_only=True, carrier_profile_id=body.carrier_profile_id
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
        number = e164(request.match_info["number"])
        change = DeleteNumber(number=number, requested_by=principal(request).subject)
        await changed(request, change, managers_only=True)
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
        number = e164(request.match_info["number"])
        # Not assignee_in_flight: the caller cannot know of an assignee the read model has not seen.
        change = AssignNumber(
            number=number,
            requested_by=principal(request).subject,
            assignee=Assignee(kind=body.kind, id=body.id),
            replace=body.replace,
        )
        return await number_view(await changed(request, change, managers_only=False), number)

    @api.delete(
        f"{TENANT}/numbers/{{number}}/assignee",
        summary="Unassign",
        response=NumberView,
        tags=TAGS,
        responses={404: "Not in this enterprise's inventory", 409: "Not assigned"},
    )
    async def unassign(request: web.Request) -> NumberView:
        number = e164(request.match_info["number"])
        change = UnassignNumber(number=number, requested_by=principal(request).subject)
        return await number_view(await changed(request, change, managers_only=False), number)

    @api.post(
        f"{TENANT}/numbers/{{number}}/registration",
        summary="Register the number (tier limit applies)",
        response=NumberView,
        tags=TAGS,
        responses={409: "Tier limit reached, or released"},
    )
    async def register(request: web.Request) -> NumberView:
        number = e164(request.match_info["number"])
        change = RegisterNumber(number=number, requested_by=principal(request).subject)
        return await number_view(await changed(request, change, managers_only=True), number)


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
