"""A strict, fully described API (issue 8): a typo is refused, never widened into every number."""

import asyncio
import csv
import io
from typing import Any

import aiohttp
import pytest

from tests.e2e.numbers.conftest import TENANT, NumbersApi
from tests.support import eventually
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import AssignNumber
from textbus.numbers.config import NumbersSettings

pytestmark = pytest.mark.e2e
BASE = f"/v1/tenants/{TENANT}"
N1, N2 = "+14155550150", "+14155550151"
FORMULA = "=cmd|' /C calc'!A0"


async def two_numbers(api: NumbersApi) -> None:
    await api.add("4155550150")
    await api.add("4155550151")


async def total(api: NumbersApi) -> int:
    status, page = await api.call("GET", f"{BASE}/numbers?limit=1")
    assert status == 200, page
    return int(page["total"])


def locations(problem: dict[str, Any]) -> list[str]:
    return [error["location"] for error in problem["errors"]]


async def test_a_misspelled_bulk_delete_key_is_refused_and_every_number_is_still_there(
    api: NumbersApi,
) -> None:
    await two_numbers(api)

    status, problem = await api.call(
        "POST", f"{BASE}/numbers/bulk-delete", json={"filter": {"nubmer": "4155550150"}}
    )

    assert status == 422
    assert locations(problem) == ["filter.nubmer"]
    assert await api.db["jobs"].count_documents({}) == 0
    assert await total(api) == 2


async def test_an_unknown_query_parameter_is_refused(api: NumbersApi) -> None:
    await two_numbers(api)
    status, problem = await api.call("GET", f"{BASE}/numbers?search=ann")
    assert status == 422
    assert locations(problem) == ["search"]


async def test_an_empty_filter_is_refused_and_every_number_must_be_asked_for(api: NumbersApi) -> None:
    await two_numbers(api)

    status, problem = await api.call("POST", f"{BASE}/numbers/bulk-delete", json={"filter": {}})
    assert (status, locations(problem)) == (422, ["filter"])
    assert await total(api) == 2

    status, job = await api.call("POST", f"{BASE}/numbers/bulk-delete", json={"every_number": True})
    assert status == 202, job
    assert (await api.job(job["job_id"]))["succeeded"] == 2
    assert await total(api) == 0


async def test_zero_is_not_false(api: NumbersApi) -> None:
    status, problem = await api.call(
        "POST", f"{BASE}/numbers", json={"country_code": 1, "national_number": "4155550150", "sms_capable": 0}
    )
    assert (status, locations(problem)) == (422, ["sms_capable"])
    assert await api.db["numbers"].count_documents({}) == 0


async def test_an_empty_carrier_profile_id_is_refused_wherever_a_profile_is_given(api: NumbersApi) -> None:
    # Found by schemathesis: the commands' contract refuses it, and the request once let it through (500).
    new = {"country_code": 1, "national_number": "4155550151", "sms_capable": True, "carrier_profile_id": ""}
    assert locations((await api.call("POST", f"{BASE}/numbers", json=new))[1]) == ["carrier_profile_id"]
    await api.add("4155550152")
    status, problem = await api.call("PATCH", f"{BASE}/numbers/+14155550152", json={"carrier_profile_id": ""})
    assert (status, locations(problem)) == (422, ["carrier_profile_id"])
    span = {"country_code": 1, "first": "4155550160", "last": "4155550161", "sms_capable": True}
    status, problem = await api.call("POST", f"{BASE}/number-ranges", json={**span, "carrier_profile_id": ""})
    assert (status, locations(problem)) == (422, ["carrier_profile_id"])
    form = aiohttp.FormData()
    form.add_field("file", b"Country Code,Phone Number,SMS Capable\n1,4155550170,Yes\n", filename="n.csv")
    form.add_field("carrier_profile_id", "p" * 201)
    status, problem = await api.call("POST", f"{BASE}/number-imports", data=form)
    assert (status, locations(problem)) == (422, ["form.carrier_profile_id"])
    assert await api.db["numbers"].count_documents({}) == 1


async def test_a_skip_past_what_a_database_can_skip_is_refused(api: NumbersApi) -> None:
    status, problem = await api.call("GET", f"{BASE}/numbers?skip={2**63}")
    assert (status, locations(problem)) == (422, ["skip"])


@pytest.mark.parametrize("tenant", ["ac%01me", "ac%22me"], ids=["control-character", "quote"])
async def test_an_export_for_a_tenant_that_cannot_exist_is_a_404_problem(
    api: NumbersApi, tenant: str
) -> None:
    status, problem = await api.call("GET", f"/v1/tenants/{tenant}/numbers/export", role="provider")
    assert status == 404
    assert problem["code"] == "enterprise-not-found"


async def test_an_exported_cell_a_spreadsheet_would_run_starts_with_a_quote(api: NumbersApi) -> None:
    await api.user("u1", FORMULA)
    await api.add("4155550150")
    status, _ = await api.call("PUT", f"{BASE}/numbers/{N1}/assignee", json={"kind": "user", "id": "u1"})
    assert status == 200

    status, text, headers = await api.exchange("GET", f"{BASE}/numbers/export")

    assert status == 200
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["Assigned To"] == "'" + FORMULA
    assert row["Phone Number"] == N1
    assert headers["Content-Disposition"].startswith(f'attachment; filename="numbers-{TENANT}.csv"')


async def test_a_tenant_that_does_not_exist_is_a_404_for_every_role(api: NumbersApi) -> None:
    body = {"country_code": 1, "national_number": "4155550150", "sms_capable": True}

    status, problem = await api.call("GET", "/v1/tenants/nowhere/numbers", tenant="nowhere")
    assert (status, problem["code"]) == (404, "enterprise-not-found")
    status, problem = await api.call("POST", "/v1/tenants/nowhere/numbers", json=body, role="provider")
    assert (status, problem["code"]) == (404, "enterprise-not-found")
    status, problem = await api.call("POST", "/v1/tenants/nowhere/numbers", json=body, tenant="nowhere")
    assert (status, problem["code"]) == (404, "enterprise-not-found")
    assert await api.db["numbers"].count_documents({}) == 0


async def test_a_csv_file_uploaded_as_a_form_is_imported_with_the_forms_profile(api: NumbersApi) -> None:
    await api.carrier_profile("p1")
    form = aiohttp.FormData()
    form.add_field(
        "file", b"Country Code,Phone Number,SMS Capable\n1,4155550150,Yes\n", filename="numbers.csv"
    )
    form.add_field("carrier_profile_id", "p1")

    status, job = await api.call("POST", f"{BASE}/number-imports", data=form)

    assert status == 202, job
    assert (await api.job(job["job_id"]))["succeeded"] == 1
    _, view = await api.call("GET", f"{BASE}/numbers/{N1}")
    assert view["carrier_profile"]["id"] == "p1"


async def test_an_unknown_form_field_of_an_import_is_refused(api: NumbersApi) -> None:
    form = aiohttp.FormData()
    form.add_field("file", b"Country Code,Phone Number,SMS Capable\n1,4155550150,Yes\n", filename="n.csv")
    form.add_field("carrier_profile", "p1")

    status, problem = await api.call("POST", f"{BASE}/number-imports", data=form)

    assert (status, locations(problem)) == (422, ["form.carrier_profile"])
    assert await api.db["jobs"].count_documents({}) == 0


async def test_every_job_answers_with_a_location_that_gets_it(api: NumbersApi) -> None:
    await two_numbers(api)
    csv_file = b"Country Code,Phone Number,SMS Capable\n1,4155550160,Yes\n"
    starts: list[tuple[str, dict[str, Any]]] = [
        (
            "number-ranges",
            {"json": {"country_code": 1, "first": "4155550170", "last": "4155550171", "sms_capable": True}},
        ),
        ("number-imports", {"data": csv_file, "headers": {"Content-Type": "text/csv"}}),
        ("numbers/bulk-update", {"json": {"numbers": [N1], "sms_capable": False}}),
        ("numbers/bulk-delete", {"json": {"numbers": [N2]}}),
    ]
    for path, request in starts:
        status, job, headers = await api.exchange("POST", f"{BASE}/{path}", **request)
        assert status == 202, job
        assert headers["Location"] == f"{BASE}/jobs/{job['job_id']}"
        status, found = await api.call("GET", headers["Location"])
        assert (status, found["job_id"]) == (200, job["job_id"])


@pytest.mark.parametrize(
    "limits",
    # A refusal that waited out the assignee grace period (10 s) would come back as a 503.
    [NumbersSettings(command_timeout_seconds=3)],
    ids=["rest-waits-less-than-the-grace-period"],
)
async def test_an_unknown_assignee_is_refused_at_once(api: NumbersApi) -> None:
    await api.add("4155550150")

    status, problem = await api.call(
        "PUT", f"{BASE}/numbers/{N1}/assignee", json={"kind": "user", "id": "nobody"}
    )

    assert (status, problem["code"]) == (422, "assignee-unknown")


async def test_an_assignee_in_flight_is_waited_for(api: NumbersApi) -> None:
    await api.add("4155550150")
    command = AssignNumber(
        number=N1,
        requested_by="assignments",
        assignee=Assignee(kind="user", id="u9"),
        assignee_in_flight=True,
    )

    await api.publish("numbers.commands.v1", command, N1)
    await asyncio.sleep(1)  # the command reaches the service before the user does
    _, view = await api.call("GET", f"{BASE}/numbers/{N1}")
    assert view["assignee"] is None
    await api.publish(
        "assignments.events.v1",
        UserUpserted(user_id="u9", display_name="Nia", sign_in_name="nia@acme.test", enabled=True),
        "u9",
    )

    async def assigned() -> dict[str, Any] | None:
        _, view = await api.call("GET", f"{BASE}/numbers/{N1}")
        return dict(view["assignee"]) if view["assignee"] else None

    assert await eventually(assigned) == {"kind": "user", "id": "u9", "name": "Nia"}
