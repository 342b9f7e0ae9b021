"""REST routes for bulk work on a selection of numbers: update and delete (jobs)."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field, field_validator, model_validator

from textbus.kit.bus import MessageBus
from textbus.kit.http import Api, RequestModel, principal, tenant_of
from textbus.kit.problems import InvalidRequest
from textbus.numbers.domain.phone import InvalidNumber, parse_any
from textbus.numbers.entrypoints.http.common import JOB_LOCATION, TAGS, TENANT, NumberChange, accepted
from textbus.numbers.service.inventory import ChangeInBulk
from textbus.numbers.service.jobs import JobView
from textbus.numbers.service.queries import NumberFilter


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

    def chosen(self) -> tuple[str, ...] | NumberFilter:
        """The numbers named, in E.164, or the criteria (none for every number)."""
        if self.numbers is not None:
            return tuple(_e164_list(self.numbers))
        return self.filter or NumberFilter()


class BulkChange(Selected, NumberChange):
    pass


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


def register_bulk_routes(api: Api, bus: MessageBus) -> None:
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
        job = await bus.handle(
            ChangeInBulk(
                tenant=tenant,
                requested_by=who.subject,
                is_provider=who.is_provider,
                kind="update",
                chosen=body.chosen(),
                refuse_assigned=body.sms_capable is not None,
                carrier_profile_id=body.carrier_profile_id,
                params=body.model_dump(
                    include={"carrier_profile_id", "clear_carrier_profile", "sms_capable"}
                ),
            )
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
        job = await bus.handle(
            ChangeInBulk(
                tenant=tenant,
                requested_by=who.subject,
                is_provider=who.is_provider,
                kind="delete",
                chosen=body.chosen(),
                refuse_assigned=True,
            )
        )
        return accepted(tenant, job)
