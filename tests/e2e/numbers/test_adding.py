"""Adding numbers: one, a range, a CSV import (seed 000)."""

import pytest

from tests.e2e.numbers.conftest import TENANT, NumbersApi

pytestmark = pytest.mark.e2e
BASE = f"/v1/tenants/{TENANT}"


async def test_a_number_is_added_from_country_code_and_national_number(api: NumbersApi) -> None:
    await api.carrier_profile("p1")

    added = await api.add("(415) 555-0100", profile="p1")

    assert added["number"] == "+14155550100"
    assert added["carrier_profile"] == {"id": "p1", "name": "Main", "carrier": "Telnyx"}
    assert added["service_chip"] == {"state": "sms-capable-unassigned", "issues": []}
    assert (added["registration"], added["lifecycle"]) == ("unregistered", "active")


async def test_a_number_exists_once_on_the_platform(api: NumbersApi) -> None:
    await api.enterprise("globex")
    await api.add("4155550100")
    status, problem = await api.call(
        "POST",
        f"{BASE}/numbers",
        json={"country_code": 1, "national_number": "415-555-0100", "sms_capable": True},
    )
    assert status == 409
    assert problem["code"] == "already-exists"

    status, _ = await api.call(
        "POST",
        "/v1/tenants/globex/numbers",
        role="provider",
        tenant="host",
        json={"country_code": 1, "national_number": "4155550100", "sms_capable": True},
    )
    assert status == 409


async def test_an_invalid_number_or_unknown_profile_is_a_422_and_nothing_is_written(api: NumbersApi) -> None:
    status, problem = await api.call(
        "POST", f"{BASE}/numbers", json={"country_code": 1, "national_number": "123", "sms_capable": True}
    )
    assert status == 422
    assert problem["type"].endswith("/invalid-request")

    status, problem = await api.call(
        "POST",
        f"{BASE}/numbers",
        json={
            "country_code": 1,
            "national_number": "4155550100",
            "sms_capable": True,
            "carrier_profile_id": "nope",
        },
    )
    assert status == 422
    assert problem["carrier_profile_id"] == "nope"
    assert await api.db["numbers"].count_documents({}) == 0


async def test_admins_add_numbers_only_when_their_enterprise_manages_its_own(api: NumbersApi) -> None:
    await api.manages_own_numbers(False)
    body = {"country_code": 1, "national_number": "4155550100", "sms_capable": True}

    status, problem = await api.call("POST", f"{BASE}/numbers", json=body)
    assert status == 403
    assert "provider" in problem["detail"]

    status, _ = await api.call("POST", f"{BASE}/numbers", json=body, role="provider", tenant="host")
    assert status == 201


async def test_a_range_is_previewed_then_added_as_a_job_with_a_result(api: NumbersApi) -> None:
    await api.carrier_profile("p1")
    await api.add("4155550105")
    bounds = {"country_code": 1, "first": "415 555 0100", "last": "415 555 0119"}

    status, preview = await api.call("POST", f"{BASE}/number-ranges/preview", json=bounds)
    assert (status, preview["size"], preview["max_size"]) == (200, 20, 1000)
    assert await api.db["numbers"].count_documents({}) == 1

    status, job = await api.call(
        "POST", f"{BASE}/number-ranges", json={**bounds, "sms_capable": True, "carrier_profile_id": "p1"}
    )
    assert status == 202
    assert (job["kind"], job["total"]) == ("range", 20)

    done = await api.job(job["job_id"])
    assert (done["processed"], done["succeeded"], done["failed"]) == (20, 19, 1)
    [failure] = [r for r in done["results"] if r["status"] == "failed"]
    assert (failure["number"], failure["code"]) == ("+14155550105", "already-exists")
    status, page = await api.call("GET", f"{BASE}/numbers?limit=1")
    assert page["total"] == 20


async def test_a_range_over_the_size_limit_is_refused_with_its_size(api: NumbersApi) -> None:
    status, problem = await api.call(
        "POST",
        f"{BASE}/number-ranges",
        json={"country_code": 1, "first": "4155550000", "last": "4155552000", "sms_capable": True},
    )
    assert status == 422
    assert "2,001" in problem["detail"] and "1,000" in problem["detail"]
    assert await api.db["jobs"].count_documents({}) == 0


async def test_a_csv_import_adds_good_rows_and_reports_every_other_row(api: NumbersApi) -> None:
    await api.carrier_profile("p1")
    await api.add("4155550150")
    csv = (
        "\ufeffCountry Code,Phone Number,SMS Capable\r\n"
        "1,4155550140,Yes\r\n"
        "\r\n"
        "1,123,Yes\r\n"
        ",+14155550141,No\r\n"
        "1,4155550140,No\r\n"
        "1,4155550150,Yes\r\n"
    )
    status, job = await api.call(
        "POST",
        f"{BASE}/number-imports?carrier_profile_id=p1",
        data=csv.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert status == 202, job

    done = await api.job(job["job_id"])
    by_line = {r["line"]: (r["status"], r["code"]) for r in done["results"]}
    assert by_line == {
        2: ("done", None),
        4: ("failed", "invalid"),
        5: ("done", None),
        6: ("failed", "duplicate-in-file"),
        7: ("failed", "already-exists"),
    }
    status, view = await api.call("GET", f"{BASE}/numbers/+14155550141")
    assert (view["sms_capable"], view["carrier_profile"]["id"]) == (False, "p1")


async def test_a_malformed_or_oversized_file_is_refused_whole(api: NumbersApi) -> None:
    wrong_columns = b"Number,Capable\n4155550100,Yes\n"
    status, problem = await api.call(
        "POST", f"{BASE}/number-imports", data=wrong_columns, headers={"Content-Type": "text/csv"}
    )
    assert status == 422
    assert "Phone Number" in problem["detail"]

    not_utf8 = "Country Code,Phone Number,SMS Capable\n1,4155550100,Sí\n".encode("latin-1")
    status, problem = await api.call(
        "POST", f"{BASE}/number-imports", data=not_utf8, headers={"Content-Type": "text/csv"}
    )
    assert status == 422
    assert "UTF-8" in problem["detail"]

    huge = b"Country Code,Phone Number,SMS Capable\n" + b"1,4155550100,Yes\n" * 3000
    status, problem = await api.call(
        "POST", f"{BASE}/number-imports", data=huge, headers={"Content-Type": "text/csv"}
    )
    assert status == 413
    assert problem["type"].endswith("/payload-too-large")
    assert await api.db["jobs"].count_documents({}) == 0
    assert await api.db["numbers"].count_documents({}) == 0


async def test_the_import_template_parses_as_an_import(api: NumbersApi) -> None:
    status, template = await api.call("GET", f"{BASE}/number-imports/template")
    assert status == 200
    assert template.splitlines()[0] == "Country Code,Phone Number,SMS Capable"
    status, job = await api.call(
        "POST", f"{BASE}/number-imports", data=template.encode(), headers={"Content-Type": "text/csv"}
    )
    assert (await api.job(job["job_id"]))["succeeded"] == 1
