"""Sync tasks from the numbers service's events, over real Kafka and the real database."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.assignments.conftest import PROVIDER, Assignments, state
from tests.support import eventually
from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import NumberAssigned, NumberUnassigned

pytestmark = pytest.mark.integration

N1 = "+14155550101"
ANN = Assignee(kind="user", id="ann")


async def causes(assignments: Assignments) -> list[str]:
    tasks = await assignments.ok("GET", "/v1/tenants/acme/sync-tasks")
    return [c["cause"] for t in tasks["items"] for c in sorted(t["changes"], key=lambda c: c["at"])]


async def test_duplicated_and_replayed_numbers_events_never_count_a_change_twice(
    assignments: Assignments,
) -> None:
    await assignments.given_enterprise(app="legacy")
    await assignments.given_users("ann")

    assigned = await assignments.publish_number_event(NumberAssigned(state=state(N1, ANN)), N1)
    await assignments.republish(assigned)
    await assignments.publish_number_event(NumberUnassigned(state=state(N1, None), previous_assignee=ANN), N1)
    await assignments.republish(assigned)  # an older state, replayed
    await assignments.publish_number_event(NumberAssigned(state=state(N1, ANN)), N1)

    async def three_changes() -> list[str] | None:
        found = await causes(assignments)
        return found if len(found) >= 3 else None

    assert await eventually(three_changes) == ["number-assigned", "number-unassigned", "number-assigned"]
    tasks = await assignments.ok("GET", "/v1/tenants/acme/sync-tasks")
    assert [t["task_id"] for t in tasks["items"]] == ["sync-sms-app-1"]
    ann = await assignments.ok("GET", "/v1/tenants/acme/users/ann")
    assert [(n["number"], n["state"]) for n in ann["numbers"]] == [(N1, "assigned")]


async def open_task(assignments: Assignments) -> dict[str, Any]:
    async def found() -> dict[str, Any] | None:
        tasks = await assignments.ok("GET", "/v1/tenants/acme/sync-tasks", params={"status": "open"})
        return tasks["items"][0] if tasks["items"] else None

    return await eventually(found)


async def given_an_open_task(assignments: Assignments) -> dict[str, Any]:
    """A legacy-app enterprise whose user ann was just given a number."""
    await assignments.given_enterprise(app="legacy")
    await assignments.given_users("ann")
    await assignments.publish_number_event(NumberAssigned(state=state(N1, ANN)), N1)
    return await open_task(assignments)


async def test_completing_a_task_records_who_and_when_and_switching_app_stops_legacy_tasks(
    assignments: Assignments,
) -> None:
    task = await given_an_open_task(assignments)
    completed = await assignments.ok("POST", f"/v1/tenants/acme/sync-tasks/{task['task_id']}/complete")
    assert (completed["status"], completed["completed_by"], completed["change_count"]) == (
        "completed",
        "admin@acme",
        1,
    )
    assert completed["completed_at"] is not None

    await assignments.publish_number_event(NumberUnassigned(state=state(N1, None), previous_assignee=ANN), N1)
    second = await open_task(assignments)
    assert second["task_id"] == "sync-sms-app-2"

    await assignments.ok(
        "PATCH", "/v1/tenants/acme/sms-settings", token=PROVIDER, json={"connector_app": "unified"}
    )

    async def statuses() -> list[str] | None:
        tasks = await assignments.ok("GET", "/v1/tenants/acme/sync-tasks")
        found = [t["status"] for t in tasks["items"]]
        return found if "open" not in found else None

    assert await eventually(statuses) == ["cancelled", "completed"]
    missing = await assignments.call("POST", "/v1/tenants/acme/sync-tasks/sync-sms-app-9/complete")
    cancelled = await assignments.call("POST", "/v1/tenants/acme/sync-tasks/sync-sms-app-2/complete")
    assert (missing.status, cancelled.status) == (404, 409)


async def test_completing_a_completed_task_is_a_409_whose_status_stays_the_http_status(
    assignments: Assignments,
) -> None:
    task = await given_an_open_task(assignments)
    path = f"/v1/tenants/acme/sync-tasks/{task['task_id']}/complete"
    await assignments.ok("POST", path)
    again = await assignments.call("POST", path)

    assert (again.status, again.content_type) == (409, "application/problem+json")
    assert (again.body["status"], again.body["code"], again.body["task_status"]) == (
        409,
        "sync-task-not-open",
        "completed",
    )
