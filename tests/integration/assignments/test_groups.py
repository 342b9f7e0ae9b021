"""SMS groups over real Kafka and the real database, with the numbers service's answers scripted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tests.integration.assignments.conftest import Assignments, admin_token, state
from tests.support import eventually
from textbus.assignments.adapters.groups import MongoGroups, to_document
from textbus.assignments.adapters.revisions import Revisions
from textbus.assignments.domain.groups import Group
from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import (
    AssignNumber,
    NumberAdded,
    NumberAssigned,
    NumberCommandRejected,
    NumberUnassigned,
    UnassignNumber,
)
from textbus.kit.clock import utc_now
from textbus.kit.outbox import Outbox

pytestmark = pytest.mark.integration

N1, N2, N3 = "+14155550101", "+14155550102", "+14155550103"


def states(group: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    return {n["number"]: (n["state"], n["code"]) for n in group["numbers"]}


async def wait_for_group(assignments: Assignments, group_id: str, expected: dict[str, Any]) -> dict[str, Any]:
    async def settled() -> dict[str, Any] | None:
        group = await assignments.ok("GET", f"/v1/tenants/acme/groups/{group_id}")
        return group if states(group) == expected else None

    return await eventually(settled)


async def test_a_refused_number_is_reported_and_the_rest_of_the_group_applies(
    assignments: Assignments,
) -> None:
    await assignments.given_enterprise(app="legacy")
    await assignments.given_users("ann", "bob", "cy")

    created = await assignments.ok(
        "POST",
        "/v1/tenants/acme/groups",
        json={
            "name": "Sales",
            "owner_user_id": "ann",
            "member_user_ids": ["bob", "cy"],
            "numbers": [N1, N2, N3],
        },
    )
    commands = sorted(await assignments.next_commands(3), key=lambda c: c.subject)

    group = Assignee(kind="group", id=created["group_id"])
    assert states(created) == {N1: ("pending", None), N2: ("pending", None), N3: ("pending", None)}
    assert (created["owner"]["display_name"], created["member_count"]) == ("Ann", 2)
    assert all(isinstance(c.data, AssignNumber) and c.data.assignee == group for c in commands)
    assert [c.subject for c in commands] == [N1, N2, N3]
    for command in commands[:2]:
        await assignments.publish_number_event(
            NumberAssigned(state=state(command.subject, group)),
            command.subject,
            correlation_id=command.correlation_id,
        )
    await assignments.publish_number_event(
        NumberCommandRejected(
            number=N3, command_type=AssignNumber.TYPE, code="already-assigned", detail="taken"
        ),
        N3,
        correlation_id=commands[2].correlation_id,
    )

    await wait_for_group(
        assignments,
        created["group_id"],
        {N1: ("assigned", None), N2: ("assigned", None), N3: ("refused", "already-assigned")},
    )

    async def legacy_task() -> dict[str, Any] | None:
        tasks = await assignments.ok("GET", "/v1/tenants/acme/sync-tasks")
        return tasks if tasks["total"] == 1 and tasks["items"][0]["change_count"] == 2 else None

    tasks = await eventually(legacy_task)
    [task] = tasks["items"]
    assert (task["task_id"], task["title"], task["status"]) == ("sync-sms-app-1", "Sync SMS App", "open")
    assert sorted(c["number"] for c in task["changes"]) == [N1, N2]

    bob = await assignments.ok("GET", "/v1/tenants/acme/users/bob")
    assert [g["name"] for g in bob["groups"]] == ["Sales"]


async def test_deleting_a_group_unassigns_its_numbers_and_frees_its_name(assignments: Assignments) -> None:
    await assignments.given_enterprise()
    await assignments.given_users("ann")
    created = await assignments.ok(
        "POST", "/v1/tenants/acme/groups", json={"name": "Support", "owner_user_id": "ann", "numbers": [N1]}
    )
    [assign] = await assignments.next_commands(1)
    group = Assignee(kind="group", id=created["group_id"])
    await assignments.publish_number_event(
        NumberAssigned(state=state(N1, group)), N1, correlation_id=assign.correlation_id
    )
    await wait_for_group(assignments, created["group_id"], {N1: ("assigned", None)})

    deleted = await assignments.call("DELETE", f"/v1/tenants/acme/groups/{created['group_id']}")
    [unassign] = await assignments.next_commands(1)

    assert deleted.status == 204
    assert isinstance(unassign.data, UnassignNumber) and unassign.data.expected_assignee == group
    assert (await assignments.call("GET", f"/v1/tenants/acme/groups/{created['group_id']}")).status == 404
    again = await assignments.ok(
        "POST", "/v1/tenants/acme/groups", json={"name": "support", "owner_user_id": "ann"}
    )
    assert again["group_id"] != created["group_id"]


async def test_bad_input_is_a_problem_and_writes_nothing(assignments: Assignments) -> None:
    await assignments.given_enterprise()
    await assignments.given_enterprise("globex")
    await assignments.given_users("ann", "bob")
    await assignments.given_users("gus", tenant="globex")
    await assignments.publish_number_event(NumberAdded(state=state(N3, None)), N3, tenant="globex")
    await assignments.ok("POST", "/v1/tenants/acme/groups", json={"name": "Sales", "owner_user_id": "ann"})

    async def globex_number_known() -> bool:
        answer = await assignments.call(
            "POST", "/v1/tenants/acme/groups", json={"name": "Probe", "owner_user_id": "ann", "numbers": [N3]}
        )
        return answer.status == 422

    await eventually(globex_number_known)

    attempts = {
        "unknown member": {"name": "Ops", "owner_user_id": "ann", "member_user_ids": ["bob", "zed"]},
        "unknown owner": {"name": "Ops", "owner_user_id": "zed"},
        "another tenant's user": {"name": "Ops", "owner_user_id": "ann", "member_user_ids": ["gus"]},
        "name in use": {"name": "  SALES ", "owner_user_id": "ann"},
        "another tenant's number": {"name": "Ops", "owner_user_id": "ann", "numbers": [N1, N3]},
        "not a number": {"name": "Ops", "owner_user_id": "ann", "numbers": ["555-0101"]},
        "misspelled field": {"name": "Ops", "owner_user_id": "ann", "member_ids": ["bob"]},
    }
    answers = {
        why: await assignments.call("POST", "/v1/tenants/acme/groups", json=body)
        for why, body in attempts.items()
    }
    other_admin = await assignments.call(
        "POST",
        "/v1/tenants/acme/groups",
        token=admin_token("globex"),
        json={"name": "Ops", "owner_user_id": "ann"},
    )

    assert {why: (a.status, a.content_type) for why, a in answers.items()} == {
        "unknown member": (422, "application/problem+json"),
        "unknown owner": (422, "application/problem+json"),
        "another tenant's user": (422, "application/problem+json"),
        "name in use": (409, "application/problem+json"),
        "another tenant's number": (422, "application/problem+json"),
        "not a number": (422, "application/problem+json"),
        "misspelled field": (422, "application/problem+json"),
    }
    assert answers["unknown member"].body["user_ids"] == ["zed"]
    assert answers["another tenant's number"].body["numbers"] == [N3]
    assert [e["location"] for e in answers["misspelled field"].body["errors"]] == ["member_ids"]
    assert other_admin.status == 403
    groups = await assignments.ok("GET", "/v1/tenants/acme/groups")
    assert [g["name"] for g in groups["items"]] == ["Sales"]
    assert assignments.commands_seen == [] and await _no_commands(assignments)
    ops = await assignments.ok(
        "POST", "/v1/tenants/acme/groups", json={"name": "Ops", "owner_user_id": "ann"}
    )
    renamed = await assignments.call(
        "PATCH", f"/v1/tenants/acme/groups/{ops['group_id']}", json={"name": "sales"}
    )
    misspelled_patch = await assignments.call(
        "PATCH", f"/v1/tenants/acme/groups/{ops['group_id']}", json={"members_ad": ["bob"]}
    )
    assert renamed.status == 409
    assert (misspelled_patch.status, misspelled_patch.body["errors"][0]["location"]) == (422, "members_ad")


async def _no_commands(assignments: Assignments) -> bool:
    try:
        await assignments.next_commands(1, timeout=2)
    except AssertionError:
        return True
    return False


async def test_updating_a_group_changes_members_and_numbers(
    assignments: Assignments, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    await assignments.given_enterprise(app="unified")
    await assignments.given_users("ann", "bob", "cy", "dee")
    created = await assignments.ok(
        "POST",
        "/v1/tenants/acme/groups",
        json={"name": "Sales", "owner_user_id": "ann", "member_user_ids": ["bob"], "numbers": [N1, N2]},
    )
    group = Assignee(kind="group", id=created["group_id"])
    for command in await assignments.next_commands(2):
        await assignments.publish_number_event(
            NumberAssigned(state=state(command.subject, group)),
            command.subject,
            correlation_id=command.correlation_id,
        )
    await wait_for_group(assignments, created["group_id"], {N1: ("assigned", None), N2: ("assigned", None)})

    updated = await assignments.ok(
        "PATCH",
        f"/v1/tenants/acme/groups/{created['group_id']}",
        json={
            "name": "Sales West",
            "members_add": ["cy"],
            "members_remove": ["bob"],
            "numbers_remove": [N2],
            "numbers_add": [N3],
        },
    )
    unassign, assign = sorted(await assignments.next_commands(2), key=lambda c: c.subject)

    assert (updated["name"], [m["user_id"] for m in updated["members"]]) == ("Sales West", ["cy"])
    assert states(updated) == {N1: ("assigned", None), N2: ("unassigning", None), N3: ("pending", None)}
    assert isinstance(unassign.data, UnassignNumber) and unassign.subject == N2
    assert isinstance(assign.data, AssignNumber) and assign.subject == N3
    await assignments.publish_number_event(
        NumberUnassigned(state=state(N2, None), previous_assignee=group),
        N2,
        correlation_id=unassign.correlation_id,
    )
    await wait_for_group(assignments, created["group_id"], {N1: ("assigned", None), N3: ("pending", None)})

    async def unified_task() -> list[str] | None:
        tasks = await assignments.ok("GET", "/v1/tenants/acme/sync-tasks", params={"status": "open"})
        users = sorted(c["user_id"] for t in tasks["items"] for c in t["changes"])
        return users if users == ["bob", "cy"] else None

    assert await eventually(unified_task) == ["bob", "cy"]
    db = mongo[assignments.settings.database_name]
    assert await db["groups"].count_documents({"_membership.0": {"$exists": True}}) == 0
    assert await db["numbers"].count_documents({"_change": {"$exists": True}}) == 0
    assert await db["groups"].count_documents({"_outbox.0": {"$exists": True}}) == 0


async def test_finding_groups_by_quick_search_and_column_filters(assignments: Assignments) -> None:
    await assignments.given_enterprise()
    await assignments.given_users("ann", "bob", "cy")
    for name, owner, members in (
        ("Sales", "ann", ["bob", "cy"]),
        ("Support", "bob", ["ann"]),
        ("Desk", "cy", []),
    ):
        await assignments.ok(
            "POST",
            "/v1/tenants/acme/groups",
            json={"name": name, "owner_user_id": owner, "member_user_ids": members},
        )

    async def names(**params: str) -> tuple[list[str], int]:
        found = await assignments.ok("GET", "/v1/tenants/acme/groups", params=params)
        return [g["name"] for g in found["items"]], found["total"]

    assert await names(q="bob") == (["Sales", "Support"], 2)
    assert await names(owner="bob", members_eq="1") == (["Support"], 1)
    assert await names(members_gt="0", sort="-members") == (["Sales", "Support"], 2)
    assert await names(sort="name", limit="1", skip="1") == (["Sales"], 3)
    bad = await assignments.call("GET", "/v1/tenants/acme/groups", params={"members_gt": "many"})
    assert (bad.status, bad.content_type) == (422, "application/problem+json")


async def test_an_unknown_query_parameter_on_group_search_is_refused_by_name(
    assignments: Assignments,
) -> None:
    await assignments.given_enterprise()
    await assignments.given_users("ann")
    await assignments.ok("POST", "/v1/tenants/acme/groups", json={"name": "Sales", "owner_user_id": "ann"})

    misspelled = await assignments.call("GET", "/v1/tenants/acme/groups", params={"nmae": "Nothing"})
    deep = await assignments.call("GET", "/v1/tenants/acme/groups", params={"skip": str(2**63)})

    assert (misspelled.status, misspelled.content_type) == (422, "application/problem+json")
    assert [e["location"] for e in misspelled.body["errors"]] == ["nmae"]
    assert (deep.status, deep.body["errors"][0]["location"]) == (422, "skip")


async def test_groups_stored_before_member_counts_get_theirs_at_start_up(
    scratch_db: AsyncDatabase[dict[str, Any]],
) -> None:
    # Never publishes here.
    groups = MongoGroups(scratch_db, Revisions(scratch_db, Outbox(cast(Any, None)), utc_now))
    at = datetime(2026, 1, 1, tzinfo=UTC)

    def stored(group_id: str, members: tuple[str, ...], **changes: Any) -> dict[str, Any]:
        group = Group(
            tenant="acme",
            group_id=group_id,
            name=group_id,
            owner_user_id="ann",
            member_user_ids=members,
            created_at=at,
            updated_at=at,
        )
        return {"_id": f"acme/{group_id}", **to_document(group), **changes}

    earlier = stored("earlier", ("bob", "cy"))
    del earlier["member_count"]
    await scratch_db["groups"].insert_many(
        [earlier, stored("counted", ("bob",)), stored("gone", ("bob",), deleted=True, member_count=None)]
    )

    await groups.count_members_of_earlier_groups()

    counts = {d["_id"]: d["member_count"] async for d in scratch_db["groups"].find({}, {"member_count": 1})}
    # A deleted group is never searched again: it keeps what it had.
    assert counts == {"acme/earlier": 2, "acme/counted": 1, "acme/gone": None}
