"""Enterprises, their SMS settings and directory users, over real Kafka and the real database."""

from __future__ import annotations

import pytest

from tests.integration.assignments.conftest import PROVIDER, Assignments, admin_token, command_of, state
from tests.support import eventually, produce
from textbus.contracts import Envelope
from textbus.contracts.common import Assignee
from textbus.contracts.directory.v1 import DirectoryUserPublished
from textbus.contracts.numbers.v1 import AssignNumber, NumberAssigned, NumberCommandRejected

pytestmark = pytest.mark.integration

N1, N2 = "+14155550101", "+14155550102"


async def test_the_provider_creates_enterprises_and_alone_changes_their_sms_settings(
    assignments: Assignments,
) -> None:
    created = await assignments.ok(
        "POST", "/v1/enterprises", token=PROVIDER, json={"enterprise_id": "acme", "name": "Acme"}
    )
    again = await assignments.call(
        "POST", "/v1/enterprises", token=PROVIDER, json={"enterprise_id": "acme", "name": "Acme"}
    )
    by_admin = await assignments.call(
        "POST", "/v1/enterprises", token=admin_token(), json={"enterprise_id": "x", "name": "X"}
    )
    admin_change = await assignments.call("PATCH", "/v1/tenants/acme/sms-settings", json={"secure_sms": True})
    changed = await assignments.ok(
        "PATCH",
        "/v1/tenants/acme/sms-settings",
        token=PROVIDER,
        json={"secure_sms": True, "connector_app": "legacy", "manages_own_numbers": True},
    )
    read_by_admin = await assignments.ok("GET", "/v1/tenants/acme/sms-settings")
    other_tenant = await assignments.call("GET", "/v1/tenants/acme/sms-settings", token=admin_token("globex"))
    listed = await assignments.ok("GET", "/v1/enterprises", token=PROVIDER)

    assert created["settings"] == {
        "group_texting": False,
        "secure_sms": False,
        "connector_app": "unified",
        "manages_own_numbers": False,
    }
    assert (again.status, again.content_type, again.body["status"], again.body["type"]) == (
        409,
        "application/problem+json",
        409,
        "https://textbus.dev/problems/enterprise-exists",
    )
    assert by_admin.status == 403
    assert (admin_change.status, admin_change.content_type) == (403, "application/problem+json")
    assert changed == {
        "group_texting": False,
        "secure_sms": True,
        "connector_app": "legacy",
        "manages_own_numbers": True,
    }
    assert read_by_admin == changed
    assert other_tenant.status == 403
    assert [e["enterprise_id"] for e in listed["items"]] == ["acme"]


async def test_a_misspelled_setting_is_refused_by_name_and_creates_no_enterprise(
    assignments: Assignments,
) -> None:
    misspelled = await assignments.call(
        "POST",
        "/v1/enterprises",
        token=PROVIDER,
        json={"enterprise_id": "x", "name": "X", "settings": {"manage_own_numbers": True}},
    )
    unknown_field = await assignments.call(
        "POST", "/v1/enterprises", token=PROVIDER, json={"enterprise_id": "x", "name": "X", "tier": "gold"}
    )

    assert (misspelled.status, misspelled.content_type) == (422, "application/problem+json")
    assert [e["location"] for e in misspelled.body["errors"]] == ["settings.manage_own_numbers"]
    assert [e["location"] for e in unknown_field.body["errors"]] == ["tier"]
    assert (await assignments.ok("GET", "/v1/enterprises", token=PROVIDER))["total"] == 0
    assert (await assignments.call("GET", "/v1/tenants/x/enterprise", token=PROVIDER)).status == 404


async def test_a_skip_beyond_the_bound_is_refused_on_both_lists(assignments: Assignments) -> None:
    await assignments.given_enterprise()
    answers = [
        await assignments.call("GET", path, token=PROVIDER, params={"skip": str(skip)})
        for path in ("/v1/enterprises", "/v1/tenants/acme/users")
        for skip in (2**63, 10**9 + 1)
    ]
    within = await assignments.call("GET", "/v1/tenants/acme/users", token=PROVIDER, params={"skip": "1000"})

    assert [(a.status, a.body["errors"][0]["location"]) for a in answers] == [(422, "skip")] * 4
    assert (within.status, within.body["items"]) == (200, [])


async def test_a_boolean_sent_as_a_number_is_refused(assignments: Assignments) -> None:
    await assignments.given_enterprise()
    user = await assignments.call(
        "PUT",
        "/v1/tenants/acme/users/ann",
        json={"display_name": "Ann", "sign_in_name": "ann@acme.test", "enabled": 0},
    )
    settings = await assignments.call(
        "PATCH", "/v1/tenants/acme/sms-settings", token=PROVIDER, json={"secure_sms": 0}
    )
    created = await assignments.call(
        "POST",
        "/v1/enterprises",
        token=PROVIDER,
        json={"enterprise_id": "globex", "name": "Globex", "settings": {"group_texting": 1}},
    )

    assert [(a.status, a.body["errors"][0]["location"]) for a in (user, settings, created)] == [
        (422, "enabled"),
        (422, "secure_sms"),
        (422, "settings.group_texting"),
    ]
    assert (await assignments.call("GET", "/v1/tenants/acme/users/ann")).status == 404
    assert (await assignments.ok("GET", "/v1/tenants/acme/sms-settings"))["secure_sms"] is False


async def test_a_blank_name_or_an_overlong_user_id_is_a_422(assignments: Assignments) -> None:
    await assignments.given_enterprise()
    blank = await assignments.call(
        "PUT", "/v1/tenants/acme/users/ann", json={"display_name": "  ", "sign_in_name": "ann@acme.test"}
    )
    overlong = await assignments.call(
        "PUT",
        f"/v1/tenants/acme/users/{'a' * 201}",
        json={"display_name": "A", "sign_in_name": "a@acme.test"},
    )

    assert [(a.status, a.body["errors"][0]["location"]) for a in (blank, overlong)] == [
        (422, "display_name"),
        (422, "user_id"),
    ]


async def test_users_come_from_the_api_and_from_directory_events(assignments: Assignments) -> None:
    await assignments.given_enterprise()
    await assignments.given_users("ann")
    published = Envelope.wrap(
        DirectoryUserPublished(user_id="bob", display_name="Bob Roe", sign_in_name="bob@acme.test"),
        source="entra-sync",
        subject="bob",
        tenant="acme",
    )
    disabled = Envelope.wrap(
        DirectoryUserPublished(
            user_id="bob", display_name="Bob Roe", sign_in_name="bob@acme.test", enabled=False
        ),
        source="entra-sync",
        subject="bob",
        tenant="acme",
    )
    topic = assignments.settings.topic_name("directory.events.v1")
    for envelope in (published, published, disabled):
        await produce(assignments.settings.kafka.bootstrap_servers, topic, envelope.to_json(), key=b"bob")

    async def bob_disabled() -> bool:
        answer = await assignments.call("GET", "/v1/tenants/acme/users/bob")
        return answer.status == 200 and answer.body["enabled"] is False

    await eventually(bob_disabled)
    users = await assignments.ok("GET", "/v1/tenants/acme/users")
    assert [(u["user_id"], u["display_name"], u["enabled"]) for u in users["items"]] == [
        ("ann", "Ann", True),
        ("bob", "Bob Roe", False),
    ]


async def test_a_users_personal_numbers_show_their_outcome(assignments: Assignments) -> None:
    await assignments.given_enterprise()
    await assignments.given_users("ann")
    ann = Assignee(kind="user", id="ann")

    await assignments.ok("PUT", f"/v1/tenants/acme/users/ann/numbers/{N1}")
    pending = await assignments.ok(
        "PUT", f"/v1/tenants/acme/users/ann/numbers/{N2}", params={"replace": "true"}
    )
    first, second = await assignments.next_commands(2)
    assert isinstance(first.data, AssignNumber) and isinstance(second.data, AssignNumber)
    assert (first.subject, first.tenant, first.data.assignee, first.data.replace) == (N1, "acme", ann, False)
    assert (second.subject, second.data.replace) == (N2, True)
    assert [(n["number"], n["state"]) for n in pending["numbers"]] == [(N1, "pending"), (N2, "pending")]

    await assignments.publish_number_event(
        NumberAssigned(state=state(N1, ann)), N1, correlation_id=first.correlation_id
    )
    await assignments.publish_number_event(
        NumberCommandRejected(
            number=N2, command_type=command_of(second).TYPE, code="not-sms-capable", detail="no SMS"
        ),
        N2,
        correlation_id=second.correlation_id,
    )

    async def settled() -> dict[str, tuple[str, str | None]] | None:
        view = await assignments.ok("GET", "/v1/tenants/acme/users/ann")
        found = {n["number"]: (n["state"], n["code"]) for n in view["numbers"]}
        return found if "pending" not in {s for s, _ in found.values()} else None

    assert await eventually(settled) == {N1: ("assigned", None), N2: ("refused", "not-sms-capable")}

    after = await assignments.ok("DELETE", f"/v1/tenants/acme/users/ann/numbers/{N1}")
    [unassign] = await assignments.next_commands(1)
    assert unassign.data.TYPE == "textbus.numbers.UnassignNumber.v1"
    assert [(n["number"], n["state"]) for n in after["numbers"]] == [(N1, "unassigning"), (N2, "refused")]
    forgotten = await assignments.ok("DELETE", f"/v1/tenants/acme/users/ann/numbers/{N2}")
    assert [n["number"] for n in forgotten["numbers"]] == [N1]
    missing = await assignments.call("DELETE", "/v1/tenants/acme/users/ann/numbers/+14155550999")
    assert missing.status == 404
