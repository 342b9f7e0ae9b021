"""Updating, deleting and assigning numbers, and the service chip (seed 000)."""

import asyncio

import pytest

from tests.e2e.numbers.conftest import TENANT, NumbersApi
from tests.support import eventually
from textbus.contracts.assignments.v1 import GroupDeleted
from textbus.contracts.carriers.v1 import CarrierProfileDeleted
from textbus.contracts.domains.v1 import NumberDomainExpired

pytestmark = pytest.mark.e2e
BASE = f"/v1/tenants/{TENANT}"
N1, N2, N3 = "+14155550101", "+14155550102", "+14155550103"


async def assign(
    api: NumbersApi, number: str, kind: str, id_: str, replace: bool = False
) -> tuple[int, dict]:
    return await api.call(
        "PUT", f"{BASE}/numbers/{number}/assignee", json={"kind": kind, "id": id_, "replace": replace}
    )


async def test_a_number_is_assigned_to_a_user_changed_to_a_group_and_unassigned(api: NumbersApi) -> None:
    await api.carrier_profile("p1")
    await api.user("u1", "Ann Lee")
    await api.group("g1", "Front desk")
    await api.add("4155550101", profile="p1")

    status, view = await assign(api, N1, "user", "u1")
    assert status == 200
    assert view["assignee"] == {"kind": "user", "id": "u1", "name": "Ann Lee"}
    assert view["service_chip"] == {"state": "assigned", "issues": []}

    status, problem = await assign(api, N1, "group", "g1")
    assert (status, problem["code"]) == (409, "already-assigned")
    _, view = await assign(api, N1, "group", "g1", replace=True)
    assert view["assignee"]["name"] == "Front desk"

    status, view = await api.call("DELETE", f"{BASE}/numbers/{N1}/assignee")
    assert (status, view["assignee"]) == (200, None)
    status, problem = await api.call("DELETE", f"{BASE}/numbers/{N1}/assignee")
    assert (status, problem["code"]) == (409, "not-assigned")


async def test_only_sms_capable_numbers_go_to_known_enabled_assignees(api: NumbersApi) -> None:
    await api.user("u1", "Ann")
    await api.user("u2", "Bob", enabled=False)
    await api.add("4155550101", sms=False)
    await api.add("4155550102")

    status, problem = await assign(api, N1, "user", "u1")
    assert (status, problem["code"]) == (409, "not-sms-capable")
    status, problem = await assign(api, N2, "user", "nobody")
    assert (status, problem["code"]) == (422, "assignee-unknown")
    status, problem = await assign(api, N2, "user", "u2")
    assert (status, problem["code"]) == (409, "assignee-disabled")
    status, problem = await assign(api, "+14155550199", "user", "u1")
    assert (status, problem["code"]) == (404, "not-found")


async def test_another_tenants_number_cannot_be_seen_or_assigned(api: NumbersApi) -> None:
    await api.enterprise("globex")
    await api.add("4155550101")
    status, _ = await api.call("GET", f"/v1/tenants/globex/numbers/{N1}", tenant="globex")
    assert status == 404
    status, problem = await api.call(
        "PUT", f"/v1/tenants/globex/numbers/{N1}/assignee", tenant="globex", json={"kind": "user", "id": "u1"}
    )
    assert (status, problem["code"]) == (404, "not-found")
    status, _ = await api.call("GET", f"/v1/tenants/globex/numbers/{N1}")
    assert status == 403


async def test_two_admins_assigning_one_number_at_once_exactly_one_wins(api: NumbersApi) -> None:
    await api.user("u1", "Ann")
    await api.user("u2", "Bob")
    await api.add("4155550101")

    answers = await asyncio.gather(assign(api, N1, "user", "u1"), assign(api, N1, "user", "u2"))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 409]
    winner = next(body for status, body in answers if status == 200)["assignee"]["id"]
    _, view = await api.call("GET", f"{BASE}/numbers/{N1}")
    assert view["assignee"]["id"] == winner


async def test_capability_cannot_change_while_assigned_but_the_carrier_can(api: NumbersApi) -> None:
    await api.carrier_profile("p1")
    await api.carrier_profile("p2", name="Backup", carrier="Bandwidth")
    await api.user("u1", "Ann")
    await api.add("4155550101", profile="p1")
    await assign(api, N1, "user", "u1")

    status, problem = await api.call("PATCH", f"{BASE}/numbers/{N1}", json={"sms_capable": False})
    assert (status, problem["code"]) == (409, "number-assigned")
    status, view = await api.call("PATCH", f"{BASE}/numbers/{N1}", json={"carrier_profile_id": "p2"})
    assert (status, view["carrier_profile"]["carrier"]) == (200, "Bandwidth")
    status, problem = await api.call("PATCH", f"{BASE}/numbers/{N1}", json={})
    assert status == 422


async def test_a_bulk_capability_change_with_an_assigned_number_is_refused_naming_it(api: NumbersApi) -> None:
    await api.user("u1", "Ann")
    for national in ("4155550101", "4155550102", "4155550103"):
        await api.add(national, sms=False)
    await api.call("PATCH", f"{BASE}/numbers/{N3}", json={"sms_capable": True})
    await assign(api, N3, "user", "u1")

    status, problem = await api.call(
        "POST", f"{BASE}/numbers/bulk-update", json={"numbers": [N1, N2, N3], "sms_capable": True}
    )
    assert (status, problem["numbers"]) == (409, [N3])

    status, job = await api.call(
        "POST",
        f"{BASE}/numbers/bulk-update",
        json={"filter": {"services": ["not-capable"]}, "sms_capable": True},
    )
    assert status == 202
    assert (await api.job(job["job_id"]))["succeeded"] == 2
    status, page = await api.call("GET", f"{BASE}/numbers?services=unassigned")
    assert [n["number"] for n in page["items"]] == [N1, N2]


async def test_assigned_numbers_cannot_be_deleted_alone_or_in_bulk(api: NumbersApi) -> None:
    await api.user("u1", "Ann")
    for national in ("4155550101", "4155550102"):
        await api.add(national)
    await assign(api, N1, "user", "u1")

    status, problem = await api.call("DELETE", f"{BASE}/numbers/{N1}")
    assert (status, problem["code"]) == (409, "number-assigned")
    status, problem = await api.call("POST", f"{BASE}/numbers/bulk-delete", json={"numbers": [N1, N2]})
    assert (status, problem["numbers"]) == (409, [N1])

    status, _ = await api.call("DELETE", f"{BASE}/numbers/{N2}")
    assert status == 204
    status, _ = await api.call("GET", f"{BASE}/numbers/{N2}")
    assert status == 404
    await api.add("4155550102")  # a deleted number can be added again


async def test_the_chip_names_every_issue_of_an_assigned_number(api: NumbersApi) -> None:
    await api.carrier_profile("p1")
    await api.user("u1", "Ann")
    await api.group("g1", "Desk")
    await api.add("4155550101")
    await api.add("4155550102", profile="p1")
    await assign(api, N1, "user", "u1")
    await assign(api, N2, "group", "g1")

    _, view = await api.call("GET", f"{BASE}/numbers/{N1}")
    assert view["service_chip"] == {"state": "assigned-with-issues", "issues": ["no-carrier-profile"]}

    await api.user("u1", "Ann", enabled=False)
    await api.publish("carriers.events.v1", CarrierProfileDeleted(profile_id="p1"), "p1")
    await api.publish("assignments.events.v1", GroupDeleted(group_id="g1"), "g1")
    await api.publish(
        "domains.events.v1", NumberDomainExpired(number=N2, domain="acme.example", subscription_id="s1"), N2
    )

    async def n2_issues() -> list[str] | None:
        _, view = await api.call("GET", f"{BASE}/numbers/{N2}")
        issues = view["service_chip"]["issues"]
        return issues if len(issues) == 3 else None

    assert await eventually(n2_issues) == [
        "carrier-profile-missing",
        "assignee-missing",
        "domain-subscription-expired",
    ]
    _, view = await api.call("GET", f"{BASE}/numbers/{N1}")
    assert view["service_chip"]["issues"] == ["no-carrier-profile", "assignee-disabled"]
