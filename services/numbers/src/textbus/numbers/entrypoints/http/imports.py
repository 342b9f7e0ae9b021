"""REST routes for CSV imports: the template, and importing a file (a job)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from pydantic import Field, TypeAdapter, ValidationError

from textbus.contracts.common import Id
from textbus.kit.bus import MessageBus
from textbus.kit.files import attachment, read_upload
from textbus.kit.http import Api, RequestModel, principal, tenant_of
from textbus.kit.problems import InvalidRequest
from textbus.numbers.config import NumbersSettings
from textbus.numbers.domain.csv_import import TEMPLATE
from textbus.numbers.entrypoints.http.common import JOB_LOCATION, TAGS, TENANT, accepted
from textbus.numbers.service.inventory import ImportNumbers
from textbus.numbers.service.jobs import JobView

# A form field is read as text: held to the commands' contract's id here, as a JSON body is.
PROFILE_ID: TypeAdapter[str] = TypeAdapter(Id)


class ImportQuery(RequestModel):
    carrier_profile_id: Id | None = Field(
        default=None,
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


def register_import_routes(api: Api, bus: MessageBus, settings: NumbersSettings) -> None:
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
        upload = await read_upload(request, media_type="text/csv", max_bytes=settings.max_import_bytes)
        job = await bus.handle(
            ImportNumbers(
                tenant=tenant,
                requested_by=who.subject,
                is_provider=who.is_provider,
                content=upload.content,
                carrier_profile_id=import_carrier_profile(query, upload.fields),
            )
        )
        return accepted(tenant, job)


def import_carrier_profile(query: ImportQuery, fields: Mapping[str, str]) -> str | None:
    """The import's carrier profile: the form's field, or the query's for a raw body; once."""
    unknown = sorted(fields.keys() - {"carrier_profile_id"})
    if unknown:
        raise InvalidRequest(
            "the form has fields this import does not take; send file and, optionally, carrier_profile_id",
            errors=[{"location": f"form.{name}", "message": "Unknown form field"} for name in unknown],
        )
    form_profile = fields.get("carrier_profile_id") or None
    if form_profile is not None:
        try:
            PROFILE_ID.validate_python(form_profile)
        except ValidationError as error:
            raise InvalidRequest(
                "carrier_profile_id is not a carrier profile's id",
                errors=[{"location": "form.carrier_profile_id", "message": error.errors()[0]["msg"]}],
            ) from error
    if form_profile is not None and query.carrier_profile_id is not None:
        raise InvalidRequest("give carrier_profile_id once: as a form field or in the query, not both")
    return form_profile or query.carrier_profile_id
