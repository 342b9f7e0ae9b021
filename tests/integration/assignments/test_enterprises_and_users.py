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
    assert (
        again.status,
        again.content_type,
        again.body["code"] if "code" in again.body else again.body["type"],
    ) == (
        409,
        "application/problem+json",
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


async def test_users_come_from_the_api_and_from_directory_events(assignments: Assignments) -> None:
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
