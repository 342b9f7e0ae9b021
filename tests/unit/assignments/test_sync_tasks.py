from datetime import UTC, datetime, timedelta

import pytest

from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.sync_tasks import (
    Completion,
    SmsAssignmentChange,
    as_seen,
    assignment_cause,
    changes_needing_sync,
    open_task,
    parse_task_id,
    task_id,
)

pytestmark = pytest.mark.unit

AT = datetime(2025, 1, 1, tzinfo=UTC)
ANN = Assignee(kind="user", id="ann")
SALES = Assignee(kind="group", id="sales")


def assigned(change_id: str, assignee: Assignee, recipients: list[str]) -> SmsAssignmentChange:
    return SmsAssignmentChange(
        change_id=change_id,
        cause="number-assigned",
        at=AT,
        number="+14155550101",
        assignee=assignee,
        recipients=tuple(recipients),
    )


def test_the_legacy_app_needs_a_sync_for_every_assignment_change() -> None:
    [(kind, change)] = changes_needing_sync("legacy", assigned("e1", SALES, ["bob"]), first_timers=[])

    assert kind == "sync-sms-app"
    assert (change.change_id, change.cause, change.number) == ("e1", "number-assigned", "+14155550101")
    assert change.summary == "+14155550101 assigned to group sales"


def test_the_unified_app_needs_a_sync_only_for_users_getting_their_first_sms_number() -> None:
    assert changes_needing_sync("unified", assigned("e1", SALES, ["bob", "cy"]), first_timers=[]) == []

    found = changes_needing_sync("unified", assigned("e1", SALES, ["bob", "cy"]), first_timers=["cy"])

    assert [(kind, c.change_id, c.user_id, c.group_id) for kind, c in found] == [
        ("sync-unified-app", "first-sms-number:cy", "cy", "sales")
    ]


def test_a_users_first_sms_number_is_one_change_however_it_reaches_them() -> None:
    personal = changes_needing_sync("unified", assigned("e1", ANN, ["ann"]), ["ann"])
    through_group = changes_needing_sync("unified", assigned("e2", SALES, ["ann"]), ["ann"])

    assert personal[0][1].change_id == through_group[0][1].change_id


def test_assignment_causes() -> None:
    assert assignment_cause(None, ANN) == "number-assigned"
    assert assignment_cause(ANN, None) == "number-unassigned"
    assert assignment_cause(ANN, SALES) == "number-reassigned"
    assert assignment_cause(ANN, ANN) is None


def test_a_task_counts_a_change_once() -> None:
    [(_, change)] = changes_needing_sync("legacy", assigned("e1", ANN, ["ann"]), [])
    task = open_task("acme", "sync-sms-app", 1, AT).with_change(change, AT)

    assert task is not None
    assert task.with_change(change, AT) is None


def test_completing_keeps_the_changes_the_admin_saw_and_hands_on_the_later_ones() -> None:
    task = open_task("acme", "sync-sms-app", 1, AT)
    for n in range(3):
        [(_, change)] = changes_needing_sync("legacy", assigned(f"e{n}", ANN, ["ann"]), [])
        task = task.with_change(change, AT) or task
    completion = Completion(
        tenant="acme", kind="sync-sms-app", seq=1, completed_by="admin", completed_at=AT, change_count=2
    )

    done, later = task.completed(completion)

    assert (done.status, done.completed_by, [c.change_id for c in done.changes]) == (
        "completed",
        "admin",
        ["e0", "e1"],
    )
    assert [c.change_id for c in later] == ["e2"]


def test_a_completion_counts_at_once_and_later_changes_show_in_the_next_task() -> None:
    task = open_task("acme", "sync-sms-app", 1, AT)
    for n in range(2):
        [(_, change)] = changes_needing_sync("legacy", assigned(f"e{n}", ANN, ["ann"]), [])
        task = task.with_change(change, AT) or task
    completion = Completion(
        tenant="acme",
        kind="sync-sms-app",
        seq=1,
        completed_by="admin",
        completed_at=AT + timedelta(seconds=1),
        change_count=1,
    )

    seen = as_seen([task], [completion])

    assert [(t.task_id, t.status, [c.change_id for c in t.changes]) for t in seen] == [
        ("sync-sms-app-2", "open", ["e1"]),
        ("sync-sms-app-1", "completed", ["e0"]),
    ]


def test_task_ids_name_their_kind_and_number() -> None:
    assert task_id("sync-unified-app", 3) == "sync-unified-app-3"
    assert parse_task_id("sync-unified-app-3") == ("sync-unified-app", 3)
    assert parse_task_id("sync-sms-app-0") is None
    assert parse_task_id("other-1") is None
