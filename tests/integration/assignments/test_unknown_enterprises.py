"""Routes under /v1/tenants/{tenant} of an enterprise that does not exist, over real Kafka and FerretDB."""

from __future__ import annotations

import pytest

from tests.integration.assignments.conftest import PROVIDER, Assignments, admin_token

pytestmark = pytest.mark.integration

N1 = "+14155550101"
USER = {"display_name": "Ann", "sign_in_name": "ann@nowhere.test"}
# One call of each resource under a tenant: method, path after the tenant, body.
CALLS = [
    ("GET", "/enterprise", None),
    ("GET", "/sms-settings", None),
    ("PATCH", "/sms-settings", {"secure_sms": True}),
    ("GET", "/users", None),
    ("GET", "/users/ann", None),
    ("PUT", "/users/ann", USER),
    ("PUT", f"/users/ann/numbers/{N1}", None),
    ("DELETE", f"/users/ann/numbers/{N1}", None),
    ("GET", "/groups", None),
    ("POST", "/groups", {"name": "Sales", "owner_user_id": "ann"}),
    ("GET", "/groups/g1", None),
    ("PATCH", "/groups/g1", {"name": "Support"}),
    ("DELETE", "/groups/g1", None),
    ("GET", "/sync-tasks", None),
    ("GET", "/sync-tasks/sync-sms-app-1", None),
    ("POST", "/sync-tasks/sync-sms-app-1/complete", None),
]


async def answers(assignments: Assignments, tenant: str, token: str) -> dict[str, tuple[int, str]]:
    found = {}
    for method, path, body in CALLS:
        answer = await assignments.call(method, f"/v1/tenants/{tenant}{path}", token=token, json=body)
        found[f"{method} {path}"] = (answer.status, answer.body["code"])
    return found


async def test_an_enterprise_that_does_not_exist_is_a_404_for_the_provider_and_its_admin(
    assignments: Assignments,
) -> None:
    await assignments.given_enterprise("acme")

    by_provider = await answers(assignments, "nowhere", PROVIDER)
    by_its_admin = await answers(assignments, "nowhere", admin_token("nowhere"))

    not_found = {call: (404, "enterprise-not-found") for call in by_provider}
    assert by_provider == not_found
    assert by_its_admin == not_found
    first_step = await assignments.call("GET", "/v1/tenants/nowhere/users", token=PROVIDER)
    assert "POST /v1/enterprises" in first_step.body["detail"]


async def test_an_admin_of_another_tenant_is_refused_whether_or_not_the_enterprise_exists(
    assignments: Assignments,
) -> None:
    await assignments.given_enterprise("acme")

    existing = await answers(assignments, "acme", admin_token("globex"))
    missing = await answers(assignments, "nowhere", admin_token("globex"))

    assert set(existing.values()) == set(missing.values()) == {(403, "forbidden")}


async def test_a_tenant_no_token_could_carry_is_a_404(assignments: Assignments) -> None:
    answer = await assignments.call("GET", "/v1/tenants/-bad%20tenant/users", token=PROVIDER)

    assert (answer.status, answer.body["code"]) == (404, "enterprise-not-found")
