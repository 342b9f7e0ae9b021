"""Retention: what only answers old questions is forgotten, never what a view or an open task reads.

- A command outcome (the numbers service's answer, by number and correlation
  id) is read only to judge the requests groups and users keep: a refused
  request stays on its group until someone removes it, and without its outcome
  it would show as pending again. So an outcome goes once it is older than the
  horizon and no stored request of a live group or a user refers to it (its
  correlation id is never reused, so nothing can refer to it later).
- A counted change id stops a redelivered or replayed change from being
  counted again in a later task. Kafka brings back only what
  assignments.events.v1 still holds, so an id counted longer ago than the
  horizon goes, unless its change is in an open task: such a task may stay
  open longer than any horizon, and its changes are the ones the mark protects
  once an admin completes it.
- A revision (adapters/revisions.py) reserves one version of a group, user or
  enterprise for one writer; once its document is past it and it holds no
  envelope or membership change, it only stops a writer that read that version
  a day ago from reserving it again, so it goes after a day.
"""

from __future__ import annotations

import logging
from datetime import datetime

from textbus.assignments.config import RetentionSettings
from textbus.assignments.service.ports import Ports
from textbus.kit.periodic import run_periodically

log = logging.getLogger(__name__)

# Outcomes checked against the stored requests at a time.
BATCH = 500


async def sweep(ports: Ports, retention: RetentionSettings) -> tuple[int, int, int]:
    """Forget old outcomes, counted changes and revisions; how many of each went."""
    now = ports.clock()
    outcomes = await forget_old_outcomes(ports, now - retention.outcomes)
    keep = {
        (task.tenant, task.kind, change.change_id)
        for task in await ports.sync_tasks.open_tasks()
        for change in task.changes
    }
    counted = await ports.sync_tasks.forget_counted(
        counted_before=now - retention.counted_changes, keep=keep, now=now
    )
    revisions = await ports.writes.forget(now - retention.revisions)
    if outcomes or counted or revisions:
        log.info(
            "retention sweep",
            extra={"outcomes": outcomes, "counted_changes": counted, "revisions": revisions},
        )
    return outcomes, counted, revisions


async def forget_old_outcomes(ports: Ports, recorded_before: datetime) -> int:
    forgotten = 0
    batch: list[tuple[str, str]] = []
    async for key in ports.numbers.outcomes_recorded_before(recorded_before):
        batch.append(key)
        if len(batch) == BATCH:
            forgotten += await _forget_unreferenced(ports, batch)
            batch = []
    return forgotten + (await _forget_unreferenced(ports, batch) if batch else 0)


async def sweep_forever(ports: Ports, retention: RetentionSettings) -> None:
    await run_periodically(
        lambda: sweep(ports, retention), every_seconds=retention.sweep_seconds, name="retention sweep"
    )


async def _forget_unreferenced(ports: Ports, keys: list[tuple[str, str]]) -> int:
    referenced = await ports.groups.requested(keys) | await ports.users.requested(keys)
    unreferenced = [k for k in keys if k not in referenced]
    await ports.numbers.forget_outcomes(unreferenced)
    return len(unreferenced)
