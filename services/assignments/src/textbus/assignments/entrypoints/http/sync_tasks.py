"""REST routes for the dashboard's connector-app sync tasks."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, Field

from textbus.assignments.domain.sync_tasks import SyncChange, SyncTask, SyncTaskKind, SyncTaskStatus
from textbus.assignments.entrypoints.http.common import TENANT, correlation_id
from textbus.assignments.service import sync_tasks as views
from textbus.assignments.service.commands import CompleteTask
from textbus.assignments.service.ports import Ports
from textbus.kit.bus import MessageBus
from textbus.kit.http import Api, Page, PageQuery, principal, tenant_of

TAGS = ("sync tasks",)


class SyncTaskView(BaseModel):
    task_id: str
    kind: SyncTaskKind
    title: str = Field(description='"Sync SMS App" (legacy app) or "Sync Unified App".')
    status: SyncTaskStatus
    opened_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    completed_by: str | None
    cancelled_at: datetime | None
    change_count: int
    changes: list[SyncChange]

    @classmethod
    def of(cls, task: SyncTask) -> SyncTaskView:
        return cls(
            task_id=task.task_id,
            kind=task.kind,
            title=task.title,
            status=task.status,
            opened_at=task.opened_at,
            updated_at=task.updated_at,
            completed_at=task.completed_at,
            completed_by=task.completed_by,
            cancelled_at=task.cancelled_at,
            change_count=len(task.changes),
            changes=list(task.changes),
        )


class SyncTaskQuery(PageQuery):
    status: list[SyncTaskStatus] = Field(default_factory=list, description="Any of these (default: all).")


def register_sync_task_routes(api: Api, ports: Ports, bus: MessageBus) -> None:
    @api.get(
        f"{TENANT}/sync-tasks",
        summary="Open and completed sync tasks, newest first, with the changes each covers",
        query=SyncTaskQuery,
        response=Page[SyncTaskView],
        tags=TAGS,
    )
    async def list_tasks(request: web.Request, query: SyncTaskQuery) -> Page[SyncTaskView]:
        tasks, total = await views.list_tasks(
            ports, tenant_of(request), statuses=set(query.status), skip=query.skip, limit=query.limit
        )
        return Page[SyncTaskView](
            items=[SyncTaskView.of(t) for t in tasks], total=total, skip=query.skip, limit=query.limit
        )

    @api.get(
        f"{TENANT}/sync-tasks/{{task_id}}",
        summary="A sync task",
        response=SyncTaskView,
        tags=TAGS,
        responses={404: "No such task or enterprise"},
    )
    async def get_task(request: web.Request) -> SyncTaskView:
        task = await views.get_task(ports, tenant_of(request), request.match_info["task_id"])
        return SyncTaskView.of(task)

    @api.post(
        f"{TENANT}/sync-tasks/{{task_id}}/complete",
        summary="Complete a task once the connector app is synced (records who and when)",
        response=SyncTaskView,
        tags=TAGS,
        responses={
            404: "No such task or enterprise",
            409: "The task is completed or cancelled already (task_status says which)",
        },
    )
    async def complete_task(request: web.Request) -> SyncTaskView:
        task = await bus.handle(
            CompleteTask(
                tenant=tenant_of(request),
                task_id=request.match_info["task_id"],
                completed_by=principal(request).subject,
                correlation_id=correlation_id(request),
            )
        )
        return SyncTaskView.of(task)
