"""The retention sweeper over the real database, with the service's clock moved 100 days on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from tests.integration.assignments.conftest import Assignments, command_of, state
from tests.support import Clock, eventually
from textbus.assignments.config import RetentionSettings
from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import NumberAssigned, NumberCommandRejected, NumberUnassigned

pytestmark = pytest.mark.integration

N1, N2, N3, N8, N9 = "+14155550101", "+14155550102", "+14155550103", "+14155550108", "+14155550109"
ANN, BOB = Assignee(kind="user", id="ann"), Assignee(kind="user", id="bob")


@pytest.fixture
def retention() -> RetentionSettings:
    return RetentionSettings(outcome_days=30, counted_change_days=90, sweep_seconds=0.2)


def rejected(number: str) -> NumberCommandRejected:
    return NumberCommandRejected(number=number, command_type="AssignNumber", code="not-found", detail="no")


async def test_old_outcomes_and_counted_changes_go_but_what_a_view_or_an_open_task_reads_stays(
    assignments: Assignments, clock: Clock, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    db = mongo[assignments.settings.database_name]
    await assignments.given_enterprise(app="legacy")
    await assignments.given_users("ann", "bob")
    # An answer to someone else's command, and one that ann's view shows as refused.
    await assignments.publish_number_event(rejected(N9), N9, correlation_id="from-the-numbers-api")
    await assignments.ok("PUT", f"/v1/tenants/acme/users/ann/numbers/{N2}")
    [asked] = await assignments.next_commands(1)
    assert asked.correlation_id is not None and command_of(asked).number == N2
    await assignments.publish_number_event(rejected(N2), N2, correlation_id=asked.correlation_id)
    # A change in a completed task, then one in the open task after it.
    completed_change = await assignments.publish_number_event(NumberAssigned(state=state(N1, ANN)), N1)
    await eventually(lambda: db["sync_tasks"].find_one({"_id": "acme/sync-sms-app/1"}))
    await assignments.ok("POST", "/v1/tenants/acme/sync-tasks/sync-sms-app-1/complete")
    await eventually(lambda: db["sync_tasks"].find_one({"_id": "acme/sync-sms-app/1", "status": "completed"}))
    open_change = await assignments.publish_number_event(NumberAssigned(state=state(N3, BOB)), N3)
    await eventually(
        lambda: db["sync_counted_changes"].find_one({"_id": f"acme/sync-sms-app/{open_change.id}"})
    )

    clock.offset = timedelta(days=100)
    await assignments.publish_number_event(rejected(N8), N8, correlation_id="recent")
    recent_change = await assignments.publish_number_event(
        NumberUnassigned(state=state(N3, None), previous_assignee=BOB), N3
    )

    async def swept() -> bool:
        outcome = await db["command_outcomes"].find_one({"correlation_id": "from-the-numbers-api"})
        counted = await db["sync_counted_changes"].find_one(
            {"_id": f"acme/sync-sms-app/{completed_change.id}"}
        )
        recent = await db["sync_counted_changes"].find_one({"_id": f"acme/sync-sms-app/{recent_change.id}"})
        return outcome is None and counted is None and recent is not None

    await eventually(swept)
    outcomes = sorted([d["correlation_id"] async for d in db["command_outcomes"].find({})])
    counted = sorted([d["_id"] async for d in db["sync_counted_changes"].find({})])
    assert outcomes == sorted([asked.correlation_id, "recent"])
    assert counted == sorted(f"acme/sync-sms-app/{e.id}" for e in (open_change, recent_change))
    ann = await assignments.ok("GET", "/v1/tenants/acme/users/ann")
    assert {n["number"]: (n["state"], n["code"]) for n in ann["numbers"]} == {
        N1: ("assigned", None),
        N2: ("refused", "not-found"),
    }
    indexed = await db["command_outcomes"].index_information()
    assert any(spec["key"] == [("recorded_at", 1)] for spec in indexed.values())
