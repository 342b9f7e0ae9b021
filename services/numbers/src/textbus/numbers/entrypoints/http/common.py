"""What the route modules share: the tenant prefix, number parsing, the change of a number, the
answer that starts a job."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field, model_validator

from textbus.contracts.common import Id
from textbus.kit.http import RequestModel, json_response
from textbus.kit.problems import InvalidRequest
from textbus.numbers.domain.phone import InvalidNumber, parse_any
from textbus.numbers.service.jobs import JobView

TENANT = "/v1/tenants/{tenant}"
TAGS = ("numbers",)
JOB_LOCATION = {"Location": "The job: GET it for its progress, and its results once completed."}


class NumberChange(RequestModel):
    carrier_profile_id: Id | None = Field(default=None, description="The new carrier profile.")
    clear_carrier_profile: bool = Field(default=False, description="Remove the carrier profile.")
    sms_capable: bool | None = Field(default=None, description="Add (true) or remove (false) SMS capability.")

    @model_validator(mode="after")
    def _something_changes(self) -> NumberChange:
        if self.carrier_profile_id is None and not self.clear_carrier_profile and self.sms_capable is None:
            raise ValueError("say what to change: carrier_profile_id, clear_carrier_profile or sms_capable")
        if self.carrier_profile_id is not None and self.clear_carrier_profile:
            raise ValueError("set a carrier profile or clear it, not both")
        return self


def e164(raw: str) -> str:
    try:
        return parse_any(raw)
    except InvalidNumber as error:
        raise InvalidRequest(str(error), number=raw) from error


def accepted(tenant: str, job: JobView) -> web.Response:
    return json_response(job, 202, headers={"Location": f"{TENANT.format(tenant=tenant)}/jobs/{job.job_id}"})
