"""The retention sweep's rules over fakes: what is old goes, what a view or an open task reads stays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.assignments.fakes import (
    AT,
    FakeClock,
    FakeOutcomes,
    FakeRequests,
    FakeSyncTasks,
    retention_ports,
)
from textbus.assignments.config import RetentionSettings
from textbus.assignments.domain.number_requests import Outcome
from textbus.assignments.domain.sync_tasks import SyncChange, open_task
from textbus.assignments.service import retention
from textbus.assignments.service.ports import Ports

pytestmark = pytest.mark.unit

DAY = timedelta(days=1)
RETENTION = RetentionSettings(outcome_days=30, counted_change_days=90)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(AT)


@pytest.fixture
def outcomes() -> FakeOutcomes:
    return FakeOutcomes()


@pytest.fixture
def groups() -> FakeRequests:
    return FakeRequests()


@pytest.fixture
def users() -> FakeRequests:
    return FakeRequests()


@pytest.fixture
def tasks() -> FakeSyncTasks:
    return FakeSyncTasks()


@pytest.fixture
def ports(
    outcomes: FakeOutcomes, groups: FakeRequests, users: FakeRequests, tasks: FakeSyncTasks, clock: FakeClock
) -> Ports:
    return retention_ports(outcomes, groups, users, tasks, clock)


async def record(outcomes: FakeOutcomes, number: str, correlation_id: str, clock: FakeClock) -> None:
    refused = Outcome(number=number, correlation_id=correlation_id, applied=False, code="not-found")
    await outcomes.record_outcome(refused, at=clock())


async def test_an_old_outcome_goes_unless_a_group_or_user_still_shows_its_request(
    ports: Ports, outcomes: FakeOutcomes, groups: FakeRequests, users: FakeRequests, clock: FakeClock
) -> None:
    for correlation in ("nobody's", "group's", "user's"):
        await record(outcomes, "+14155550101", correlation, clock)
    groups.stored.add(("+14155550101", "group's"))
    users.stored.add(("+14155550101", "user's"))
    clock.advance(5 * DAY)
    await record(outcomes, "+14155550101", "recent", clock)

    clock.advance(26 * DAY)
    assert await retention.sweep(ports, RETENTION) == (1, 0, 0)

    assert sorted(c for _, c in outcomes.recorded_at) == ["group's", "recent", "user's"]


async def test_outcomes_are_checked_batch_by_batch(
    ports: Ports,
    outcomes: FakeOutcomes,
    users: FakeRequests,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)
    for n in range(5):
        await record(outcomes, f"+1415555010{n}", f"c{n}", clock)
    users.stored.add(("+14155550103", "c3"))

    clock.advance(31 * DAY)
    assert await retention.sweep(ports, RETENTION) == (4, 0, 0)

    assert list(outcomes.recorded_at) == [("+14155550103", "c3")]


async def test_a_counted_change_goes_after_its_horizon_unless_its_task_is_still_open(
    ports: Ports, tasks: FakeSyncTasks, clock: FakeClock
) -> None:
    still_open = SyncChange(change_id="in-open-task", cause="number-assigned", at=AT, summary="assigned")
    task = open_task("acme", "sync-sms-app", 2, AT).with_change(still_open, AT)
    assert task is not None
    await tasks.save(task)
    for change_id in ("in-completed-task", "in-open-task"):
        await tasks.mark_counted("acme", "sync-sms-app", change_id, at=clock())
    clock.advance(10 * DAY)
    await tasks.mark_counted("acme", "sync-sms-app", "recent", at=clock())

    clock.advance(85 * DAY)
    assert await retention.sweep(ports, RETENTION) == (0, 1, 0)

    assert sorted(c for _, _, c in tasks.counted_at) == ["in-open-task", "recent"]
