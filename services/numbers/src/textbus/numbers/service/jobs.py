"""Bulk work as jobs: a range, an import, a bulk update or delete becomes one command per number.

The job's input is stored before anything is published; the runner publishes
it chunk by chunk with deterministic envelope ids (job id + number), so a
runner restarted after a crash republishes without applying anything twice.
Progress is read while the commands are applied; the result lists every
number that was changed and every one that was not, with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from pydantic import BaseModel, Field

from textbus.contracts import Envelope
from textbus.contracts.numbers.v1 import AddNumber, DeleteNumber, NumberCommand, UpdateNumber
from textbus.kit.clock import Clock
from textbus.numbers.service.ports import Outcome

log = logging.getLogger(__name__)

CHUNK_SIZE = 500
JobKind = Literal["range", "import", "update", "delete"]
Document = dict[str, Any]


class JobItemResult(BaseModel):
    number: str | None
    line: int | None = Field(default=None, description="The line in the imported file.")
    status: Literal["done", "failed"]
    code: str | None = None
    detail: str | None = None


class JobView(BaseModel):
    job_id: str
    kind: JobKind
    status: Literal["running", "completed"]
    total: int = Field(description="Numbers in the request, including those refused before any change.")
    processed: int
    succeeded: int
    failed: int
    created_at: datetime
    results: list[JobItemResult] | None = Field(
        default=None, description="Every number's result, once the job has completed."
    )


class JobStore(Protocol):
    async def create(self, job: Document, chunks: list[list[Document]]) -> None: ...

    async def get(self, job_id: str, tenant: str | None = None) -> Document | None: ...

    async def chunk(self, job_id: str, index: int) -> list[Document]: ...

    async def mark_published(self, job_id: str, published: int, total: int, at: datetime) -> None: ...

    async def unpublished(self) -> list[str]: ...

    async def created_before(self, cutoff: datetime) -> list[Document]:
        """Jobs created before ``cutoff``: their ids, chunk and command counts and publishing flag."""
        ...

    async def forget(self, job_id: str, chunks: int) -> None:
        """Delete the job's input chunks, then the job."""
        ...


class JobOutcomes(Protocol):
    async def job_progress(self, job_id: str) -> tuple[int, int]: ...

    async def of_job(self, job_id: str) -> list[Outcome]: ...


class CommandPublisher(Protocol):
    async def __call__(self, envelope: Envelope) -> None: ...


def is_completed(job: Document, done: int) -> bool:
    """Every command published and its outcome counted."""
    return done >= job["commands"] and not job.get("publishing")


def command_id(job_id: str, number: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"textbus:numbers:job:{job_id}:{number}")


@dataclass
class Jobs:
    store: JobStore
    outcomes: JobOutcomes
    publish: CommandPublisher
    clock: Clock
    _running: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(
        self,
        *,
        tenant: str,
        kind: JobKind,
        requested_by: str,
        numbers: list[Document],
        rejected: list[Document] | None = None,
        params: Document | None = None,
    ) -> JobView:
        """Store the job (``numbers``: one item per command; ``rejected``: refused up front) and run it."""
        job_id = uuid4().hex
        rejected = rejected or []
        job = {
            "_id": job_id,
            "tenant": tenant,
            "kind": kind,
            "requested_by": requested_by,
            "params": params or {},
            "commands": len(numbers),
            "rejected": rejected,
            "created_at": self.clock(),
        }
        chunks = [numbers[i : i + CHUNK_SIZE] for i in range(0, len(numbers), CHUNK_SIZE)]
        await self.store.create(job, chunks)
        self.run_in_background(job_id)
        view = await self.view(job_id, tenant)
        assert view is not None
        return view

    def run_in_background(self, job_id: str) -> None:
        task = asyncio.create_task(self.run(job_id), name=f"job-{job_id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def resume_unpublished(self) -> None:
        for job_id in await self.store.unpublished():
            self.run_in_background(job_id)

    async def stop(self) -> None:
        for task in list(self._running):
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)

    async def run(self, job_id: str) -> None:
        job = await self.store.get(job_id)
        if job is None:
            return
        for index in range(job["published_chunks"], job["chunks"]):
            items = await self.store.chunk(job_id, index)
            await asyncio.gather(*(self.publish(_envelope(job, item)) for item in items))
            await self.store.mark_published(job_id, index + 1, job["chunks"], self.clock())
        log.info("job published", extra={"job_id": job_id, "commands": job["commands"]})

    async def view(self, job_id: str, tenant: str, with_results: bool = False) -> JobView | None:
        job = await self.store.get(job_id, tenant)
        if job is None:
            return None
        done, failed = await self.outcomes.job_progress(job_id)
        rejected = job["rejected"]
        completed = is_completed(job, done)
        results = None
        if completed and with_results:
            results = [
                JobItemResult(
                    number=r.get("number"),
                    line=r.get("line"),
                    status="failed",
                    code=r["code"],
                    detail=r["detail"],
                )
                for r in rejected
            ]
            lines = {
                i["number"]: i.get("line")
                for c in range(job["chunks"])
                for i in await self.store.chunk(job_id, c)
            }
            for outcome in await self.outcomes.of_job(job_id):
                results.append(
                    JobItemResult(
                        number=outcome.number,
                        line=lines.get(outcome.number),
                        status="done" if outcome.status == "applied" else "failed",
                        code=outcome.code,
                        detail=outcome.detail,
                    )
                )
            results.sort(key=lambda r: (r.line or 0, r.number or ""))
        return JobView(
            job_id=job_id,
            kind=job["kind"],
            status="completed" if completed else "running",
            total=job["commands"] + len(rejected),
            processed=done + len(rejected),
            succeeded=done - failed,
            failed=failed + len(rejected),
            created_at=job["created_at"],
            results=results,
        )


def _envelope(job: Document, item: Document) -> Envelope:
    params, number, job_id = job["params"], item["number"], job["_id"]
    command: NumberCommand
    common = {"number": number, "requested_by": job["requested_by"], "job_id": job_id}
    match job["kind"]:
        case "range" | "import":
            command = AddNumber(
                **common,
                sms_capable=item.get("sms_capable", params.get("sms_capable", False)),
                carrier_profile_id=params.get("carrier_profile_id"),
            )
        case "update":
            command = UpdateNumber(
                **common,
                carrier_profile_id=params.get("carrier_profile_id"),
                clear_carrier_profile=params.get("clear_carrier_profile", False),
                sms_capable=params.get("sms_capable"),
            )
        case "delete":
            command = DeleteNumber(**common)
        case _:
            raise ValueError(f"unknown job kind {job['kind']!r}")
    envelope = Envelope.wrap(
        command, source="numbers", subject=number, tenant=job["tenant"], correlation_id=job_id
    )
    return envelope.model_copy(update={"id": command_id(job_id, number)})
