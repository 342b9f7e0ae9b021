"""The retention sweeper: forgets command outcomes and jobs older than their horizons.

Outcomes and jobs grow with every command; nothing reads them after a while.
An outcome of a single command only answers its REST call and dedupes a
redelivery; a job's outcomes are its results, so they go with the job, and a
job goes only once completed, however old.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from textbus.kit.clock import Clock
from textbus.kit.periodic import run_periodically
from textbus.numbers.service.jobs import JobOutcomes, JobStore, is_completed

log = logging.getLogger(__name__)


class RetainedOutcomes(JobOutcomes, Protocol):
    async def forget_commands_before(self, cutoff: datetime) -> int:
        """Delete the outcomes of single commands (no job's) recorded before ``cutoff`` whose event
        is published; how many."""
        ...

    async def forget_job_outcomes(self, job_id: str) -> None: ...

    async def forget_job_progress(self, job_id: str) -> None: ...


@dataclass(frozen=True)
class Swept:
    outcomes: int
    jobs: int


@dataclass
class RetentionSweeper:
    outcomes: RetainedOutcomes
    jobs: JobStore
    clock: Clock
    outcomes_kept: timedelta
    jobs_kept: timedelta
    interval_seconds: float

    async def sweep(self) -> Swept:
        """Forget what is older than its horizon; how many outcomes and jobs went."""
        now = self.clock()
        outcomes = await self.outcomes.forget_commands_before(now - self.outcomes_kept)
        jobs = 0
        for job in await self.jobs.created_before(now - self.jobs_kept):
            done, _ = await self.outcomes.job_progress(job["_id"])
            if not is_completed(job, done):
                continue
            # The job document goes after its outcomes and chunks, and its progress (what says it
            # is completed) last, so the next sweep finishes a sweep that was cut short.
            await self.outcomes.forget_job_outcomes(job["_id"])
            await self.jobs.forget(job["_id"], job["chunks"])
            await self.outcomes.forget_job_progress(job["_id"])
            jobs += 1
        if outcomes or jobs:
            log.info("forgot old outcomes and jobs", extra={"outcomes": outcomes, "jobs": jobs})
        return Swept(outcomes=outcomes, jobs=jobs)

    async def run_forever(self) -> None:
        await run_periodically(self.sweep, every_seconds=self.interval_seconds, name="retention sweep")
