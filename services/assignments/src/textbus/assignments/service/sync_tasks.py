"""Connector-app sync tasks: kept in each enterprise's order by one writer, the enterprise's partition.

Every input is an event on assignments.events.v1 keyed by the enterprise id
(SmsAssignmentChanged, SyncTaskCompleted, EnterpriseUpserted), so one consumer
at a time applies an enterprise's changes, in order; a change is counted once
by its id however often it is delivered. Admins complete a task through the
API, which records the completion (one insert) and publishes it; the keeper
then closes the task, and changes that reached it after the admin looked move
to the next task.
"""

from __future__ import annotations

from textbus.assignments.domain.sync_tasks import (
    KINDS,
    Completion,
    SmsAssignmentChange,
    SyncChange,
    SyncTask,
    SyncTaskKind,
    SyncTaskStatus,
    as_seen,
    changes_needing_sync,
    open_task,
    parse_task_id,
    task_kind_for,
)
from textbus.assignments.service.assignees import assignee_of, require_enterprise
from textbus.assignments.service.errors import TaskNotFound, TaskNotOpen
from textbus.assignments.service.ports import Ports
from textbus.contracts import Envelope
from textbus.contracts.assignments.v1 import EnterpriseUpserted, SmsAssignmentChanged, SyncTaskCompleted


async def on_assignments_event(ports: Ports, envelope: Envelope) -> None:
    match envelope.data:
        case SmsAssignmentChanged() as changed:
            await record_sms_change(ports, envelope.tenant, _sms_assignment_change(changed))
        case SyncTaskCompleted() as completed:
            await apply_completion(ports, envelope.tenant, completed)
        case EnterpriseUpserted() as enterprise:
            await stop_other_apps_tasks(ports, enterprise.enterprise_id)


async def record_sms_change(ports: Ports, tenant: str, change: SmsAssignmentChange) -> None:
    """Add the change to the task its enterprise's connector app needs, if any.

    A user is a first-time SMS user once, whatever the app: the legacy app's
    users who move to the unified app were synced already.
    """
    recipients = list(dict.fromkeys(change.recipients))
    had_sms = await ports.sync_tasks.sms_recipients(tenant, recipients)
    first_timers = [u for u in recipients if u not in had_sms]
    enterprise = await ports.enterprises.get(tenant)
    if enterprise is not None:
        for kind, entry in changes_needing_sync(enterprise.settings.connector_app, change, first_timers):
            await _add_change(ports, tenant, kind, entry)
    await ports.sync_tasks.add_sms_recipients(tenant, first_timers, change.at)


async def apply_completion(ports: Ports, tenant: str, completed: SyncTaskCompleted) -> None:
    """Close the task; the changes it gathered after the admin completed it open the next one."""
    parsed = parse_task_id(completed.task_id)
    if parsed is None:
        return
    kind, seq = parsed
    task = await ports.sync_tasks.get(tenant, kind, seq)
    if task is None or task.status != "open":
        return
    done, overflow = task.completed(
        Completion(
            tenant=tenant,
            kind=kind,
            seq=seq,
            completed_by=completed.completed_by,
            completed_at=completed.completed_at,
            change_count=completed.change_count,
        )
    )
    # The later changes first: a crash after them leaves the task open, to be closed again.
    following = await ports.sync_tasks.get(tenant, kind, seq + 1) or open_task(
        tenant, kind, seq + 1, completed.completed_at
    )
    for change in overflow:
        following = following.with_change(change, completed.completed_at) or following
    if overflow:
        await ports.sync_tasks.save(following)
    if await ports.sync_tasks.open_seq(tenant, kind) <= seq:
        await ports.sync_tasks.set_open_seq(tenant, kind, seq + 1)
    await ports.sync_tasks.save(done)


async def stop_other_apps_tasks(ports: Ports, tenant: str) -> None:
    """An enterprise that switched connector app no longer syncs the other one: its open task stops."""
    enterprise = await ports.enterprises.get(tenant)
    if enterprise is None:
        return
    in_use = task_kind_for(enterprise.settings.connector_app)
    for kind in KINDS:
        if kind == in_use:
            continue
        seq = await ports.sync_tasks.open_seq(tenant, kind)
        task = await ports.sync_tasks.get(tenant, kind, seq)
        if task is not None and task.status == "open":
            await ports.sync_tasks.set_open_seq(tenant, kind, seq + 1)
            await ports.sync_tasks.save(task.cancelled(ports.clock()))


async def complete_task(
    ports: Ports, *, tenant: str, task_id: str, completed_by: str, correlation_id: str | None = None
) -> SyncTask:
    """An admin synced the connector app: the task is closed, recording who and when."""
    await require_enterprise(ports, tenant)
    parsed = parse_task_id(task_id)
    if parsed is None:
        raise TaskNotFound(task_id)
    kind, seq = parsed
    task = await ports.sync_tasks.get(tenant, kind, seq)
    if task is None:
        raise TaskNotFound(task_id)
    if await ports.completions.get(tenant, kind, seq) is not None:
        raise TaskNotOpen(task_id, "completed")
    if task.status != "open":
        raise TaskNotOpen(task_id, task.status)
    completion = Completion(
        tenant=tenant,
        kind=kind,
        seq=seq,
        completed_by=completed_by,
        completed_at=ports.clock(),
        change_count=len(task.changes),
    )
    if not await ports.completions.record(completion, correlation_id=correlation_id):
        raise TaskNotOpen(task_id, "completed")
    done, _ = task.completed(completion)
    return done


async def list_tasks(
    ports: Ports, tenant: str, *, statuses: set[SyncTaskStatus], skip: int, limit: int
) -> tuple[list[SyncTask], int]:
    """The enterprise's tasks, newest first, with the changes each covers."""
    await require_enterprise(ports, tenant)
    tasks = as_seen(await ports.sync_tasks.of_tenant(tenant), await ports.completions.of_tenant(tenant))
    chosen = [t for t in tasks if not statuses or t.status in statuses]
    return chosen[skip : skip + limit], len(chosen)


async def get_task(ports: Ports, tenant: str, task_id: str) -> SyncTask:
    tasks, _ = await list_tasks(ports, tenant, statuses=set(), skip=0, limit=10**9)
    for task in tasks:
        if task.task_id == task_id:
            return task
    raise TaskNotFound(task_id)


async def _add_change(ports: Ports, tenant: str, kind: SyncTaskKind, change: SyncChange) -> None:
    if await ports.sync_tasks.counted(tenant, kind, change.change_id):
        return
    seq = await ports.sync_tasks.open_seq(tenant, kind)
    task = await ports.sync_tasks.get(tenant, kind, seq)
    while task is not None and task.status != "open":
        # Closed, but the pointer was not moved on yet (a crash in between).
        seq += 1
        await ports.sync_tasks.set_open_seq(tenant, kind, seq)
        task = await ports.sync_tasks.get(tenant, kind, seq)
    now = ports.clock()
    updated = (task or open_task(tenant, kind, seq, now)).with_change(change, now)
    if updated is not None:
        await ports.sync_tasks.save(updated)
    await ports.sync_tasks.mark_counted(tenant, kind, change.change_id, at=now)


def _sms_assignment_change(event: SmsAssignmentChanged) -> SmsAssignmentChange:
    return SmsAssignmentChange(
        change_id=event.change_id,
        cause=event.cause,
        at=event.at,
        number=event.number,
        assignee=assignee_of(event.assignee),
        previous_assignee=assignee_of(event.previous_assignee),
        group_id=event.group_id,
        members_added=tuple(event.members_added),
        members_removed=tuple(event.members_removed),
        recipients=tuple(event.recipients),
    )
