"""Finding numbers and exporting them (seed 000): quick search, column filters, Services, sort, pages."""

import csv
import io

import pytest

from tests.e2e.numbers.conftest import TENANT, NumbersApi

pytestmark = pytest.mark.e2e
BASE = f"/v1/tenants/{TENANT}"


@pytest.fixture
async def inventory(api: NumbersApi) -> NumbersApi:
    """Five numbers: a user's, a group's, an unassigned one, and two that are not SMS capable."""
    await api.carrier_profile("p1", name="East", carrier="Telnyx")
    await api.carrier_profile("p2", name="West", carrier="Bandwidth")
    await api.user("u1", "Ann Lee")
    await api.group("g1", "Front Desk")
    await api.add("4155550101", profile="p1")
    await api.add("4155550102", profile="p2")
    await api.add("4155550103", profile="p1")
    await api.add("2125550104", sms=False, profile="p2")
    await api.add("2125550105", sms=False)
    for number, kind, id_ in (("+14155550101", "user", "u1"), ("+14155550102", "group", "g1")):
        status, _ = await api.call("PUT", f"{BASE}/numbers/{number}/assignee", json={"kind": kind, "id": id_})
        assert status == 200
    return api


async def numbers(api: NumbersApi, query: str) -> list[str]:
    status, page = await api.call("GET", f"{BASE}/numbers?{query}")
    assert status == 200, page
    return [item["number"] for item in page["items"]]


async def test_quick_search_finds_a_number_typed_in_any_common_format(inventory: NumbersApi) -> None:
    assert await numbers(inventory, "q=(415) 555-0101") == ["+14155550101"]
    assert await numbers(inventory, "q=212.555") == ["+12125550104", "+12125550105"]
    assert await numbers(inventory, "q=%2B1 415 555 0103") == ["+14155550103"]


async def test_quick_search_finds_assignee_and_carrier_names(inventory: NumbersApi) -> None:
    assert await numbers(inventory, "q=ann") == ["+14155550101"]
    assert await numbers(inventory, "q=front") == ["+14155550102"]
    assert await numbers(inventory, "q=bandwidth") == ["+12125550104", "+14155550102"]


async def test_column_filters_combine_with_and(inventory: NumbersApi) -> None:
    assert await numbers(inventory, "number=415&carrier=east") == ["+14155550101", "+14155550103"]
    assert await numbers(inventory, "number=415&carrier=east&assignee=lee") == ["+14155550101"]
    assert await numbers(inventory, "carrier=nobody") == []


async def test_the_services_filter_selects_chip_groups(inventory: NumbersApi) -> None:
    assert await numbers(inventory, "services=not-capable") == ["+12125550104", "+12125550105"]
    assert await numbers(inventory, "services=group") == ["+14155550102"]
    assert await numbers(inventory, "services=unassigned&services=user") == ["+14155550101", "+14155550103"]
    status, problem = await inventory.call("GET", f"{BASE}/numbers?services=everything")
    assert (status, problem["errors"][0]["location"]) == (422, "services.0")


async def test_pages_are_sorted_and_carry_the_total(inventory: NumbersApi) -> None:
    _, page = await inventory.call("GET", f"{BASE}/numbers?sort=-number&skip=1&limit=2")
    assert (page["total"], [i["number"] for i in page["items"]]) == (5, ["+14155550102", "+14155550101"])
    # By the names shown: Ann Lee, then Front Desk; carriers: none first, East, then West.
    assert await numbers(inventory, "sort=assignee&services=user&services=group") == [
        "+14155550101",
        "+14155550102",
    ]
    assert await numbers(inventory, "sort=-assignee&services=user&services=group") == [
        "+14155550102",
        "+14155550101",
    ]
    assert await numbers(inventory, "sort=carrier") == [
        "+12125550105",
        "+14155550101",
        "+14155550103",
        "+12125550104",
        "+14155550102",
    ]


async def test_the_export_streams_the_filtered_numbers_with_their_chip(inventory: NumbersApi) -> None:
    status, text = await inventory.call("GET", f"{BASE}/numbers/export?number=415")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Phone Number"] for r in rows] == ["+14155550101", "+14155550102", "+14155550103"]
    first = rows[0]
    assert (first["Assigned To"], first["Assignee Type"], first["SMS Carrier"]) == (
        "Ann Lee",
        "user",
        "Telnyx",
    )
    assert (first["Service"], first["SMS Capable"]) == ("assigned", "Yes")
    assert rows[2]["Assigned To"] == "Unassigned"
