"""The sync-task keeper's rules over small fakes of its stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.unit.assignments.fakes import FakeCompletions, FakeEnterprises, FakeSyncTasks, keeper_ports
from textbus.assignments.domain.sync_tasks import SyncTask
from textbus.assignments.service import sync_tasks
from textbus.assignments.service.errors import TaskNotOpen
from textbus.assignments.service.ports import Ports
from textbus.contracts import Envelope
from textbus.contracts.assignments.v1 import EnterpriseUpserted, SmsAssignmentChanged, SyncTaskCompleted
from textbus.contracts.common import Assignee

pytestmark = pytest.mark.unit

AT = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def enterprises() -> FakeEnterprises:
    return FakeEnterprises()


@pytest.fixture
def tasks() -> FakeSyncTasks:
    return FakeSyncTasks()


@pytest.fixture
def ports(enterprises: FakeEnterprises, tasks: FakeSyncTasks) -> Ports:
    return keeper_ports(enterprises, tasks, FakeCompletions())


def change(change_id: str, assignee: Assignee | None, recipients: list[str]) -> Envelope:
    payload = SmsAssignmentChanged(
        change_id=change_id,
        cause="number-assigned" if assignee else "number-unassigned",
        at=AT,
        number="+14155550101",
        assignee=assignee,
        previous_assignee=None if assignee else Assignee(kind="user", id="ann"),
        recipients=recipients,
    )
    return Envelope.wrap(payload, source="assignments", subject="acme", tenant="acme")


def open_tasks(tasks: FakeSyncTasks) -> list[SyncTask]:
    return [t for t in tasks.tasks.values() if t.status == "open"]


async def test_duplicated_and_replayed_changes_never_make_a_second_task_or_count_twice(
    ports: Ports, enterprises: FakeEnterprises, tasks: FakeSyncTasks
) -> None:
    enterprises.put("acme", "legacy")
    first = change("e1", Assignee(kind="user", id="ann"), ["ann"])
    for envelope in (first, first, first.model_copy(update={"id": first.id}), change("e2", None, [])):
        await sync_tasks.on_assignments_event(ports, envelope)

    await sync_tasks.complete_task(ports, tenant="acme", task_id="sync-sms-app-1", completed_by="admin")
    await sync_tasks.on_assignments_event(
        ports,
        Envelope.wrap(
            SyncTaskCompleted(
                task_id="sync-sms-app-1",
                kind="sync-sms-app",
                change_count=2,
                completed_by="admin",
                completed_at=AT,
            ),
            source="assignments",
            subject="acme",
            tenant="acme",
        ),
    )
    await sync_tasks.on_assignments_event(ports, first)  # replayed after completion

    [task] = tasks.tasks.values()
    assert (task.task_id, task.status, [c.change_id for c in task.changes]) == (
        "sync-sms-app-1",
        "completed",
        ["e1", "e2"],
    )
    assert open_tasks(tasks) == []


async def test_the_unified_app_gets_one_task_change_per_first_time_sms_user(
    ports: Ports, enterprises: FakeEnterprises, tasks: FakeSyncTasks
) -> None:
    enterprises.put("acme", "unified")
    group = Assignee(kind="group", id="sales")

    await sync_tasks.on_assignments_event(ports, change("e1", group, ["bob", "cy"]))
    await sync_tasks.on_assignments_event(ports, change("e2", None, []))
    await sync_tasks.on_assignments_event(ports, change("e3", Assignee(kind="user", id="bob"), ["bob"]))
    await sync_tasks.on_assignments_event(ports, change("e4", group, ["bob", "cy", "dee"]))

    [task] = open_tasks(tasks)
    assert task.title == "Sync Unified App"
    assert [c.user_id for c in task.changes] == ["bob", "cy", "dee"]


async def test_changes_after_the_admin_completed_a_task_go_to_the_next_one(
    ports: Ports, enterprises: FakeEnterprises, tasks: FakeSyncTasks
) -> None:
    enterprises.put("acme", "legacy")
    await sync_tasks.on_assignments_event(ports, change("e1", Assignee(kind="user", id="ann"), ["ann"]))
    completed = await sync_tasks.complete_task(
        ports, tenant="acme", task_id="sync-sms-app-1", completed_by="admin"
    )
    await sync_tasks.on_assignments_event(ports, change("e2", None, []))

    listed, total = await sync_tasks.list_tasks(ports, "acme", statuses=set(), skip=0, limit=10)
    assert completed.status == "completed" and completed.completed_by == "admin"
    assert total == 2
    assert [(t.task_id, t.status, [c.change_id for c in t.changes]) for t in listed] == [
        ("sync-sms-app-2", "open", ["e2"]),
        ("sync-sms-app-1", "completed", ["e1"]),
    ]
    with pytest.raises(TaskNotOpen) as refused:
        await sync_tasks.complete_task(ports, tenant="acme", task_id="sync-sms-app-1", completed_by="admin")
    assert (refused.value.to_json()["status"], refused.value.extensions) == (
        409,
        {"task_status": "completed"},
    )

    await sync_tasks.on_assignments_event(
        ports,
        Envelope.wrap(
            SyncTaskCompleted(
                task_id="sync-sms-app-1",
                kind="sync-sms-app",
                change_count=1,
                completed_by="admin",
                completed_at=AT,
            ),
            source="assignments",
            subject="acme",
            tenant="acme",
        ),
    )
    assert [
        (t.task_id, t.status, len(t.changes)) for t in sorted(tasks.tasks.values(), key=lambda t: t.seq)
    ] == [
        ("sync-sms-app-1", "completed", 1),
        ("sync-sms-app-2", "open", 1),
    ]


async def test_switching_to_the_unified_app_stops_legacy_tasks(
    ports: Ports, enterprises: FakeEnterprises, tasks: FakeSyncTasks
) -> None:
    enterprises.put("acme", "legacy")
    await sync_tasks.on_assignments_event(ports, change("e1", Assignee(kind="user", id="ann"), ["ann"]))

    enterprises.put("acme", "unified")
    upserted = EnterpriseUpserted(
        enterprise_id="acme",
        name="acme",
        group_texting=False,
        secure_sms=False,
        connector_app="unified",
        manages_own_numbers=False,
    )
    await sync_tasks.on_assignments_event(
        ports, Envelope.wrap(upserted, source="assignments", subject="acme", tenant="acme")
    )
    await sync_tasks.on_assignments_event(ports, change("e2", None, []))
    await sync_tasks.on_assignments_event(ports, change("e3", Assignee(kind="user", id="ann"), ["ann"]))

    assert [(t.task_id, t.status) for t in tasks.tasks.values()] == [("sync-sms-app-1", "cancelled")]
