"""REST routes for jobs: a job's progress, and its results once completed."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field

from textbus.kit.http import Api, RequestModel, tenant_of
from textbus.kit.problems import NotFound
from textbus.numbers.entrypoints.http.common import TAGS, TENANT
from textbus.numbers.service.jobs import Jobs, JobView


class JobQuery(RequestModel):
    results: bool = Field(default=False, description="Include every number's result (once completed).")


def register_job_routes(api: Api, jobs: Jobs) -> None:
    @api.get(
        f"{TENANT}/jobs/{{job_id}}",
        summary="A job's progress, and its results once completed",
        query=JobQuery,
        response=JobView,
        tags=TAGS,
        responses={404: "No such job"},
    )
    async def get_job(request: web.Request, query: JobQuery) -> JobView:
        view = await jobs.view(request.match_info["job_id"], tenant_of(request), with_results=query.results)
        if view is None:
            raise NotFound("no such job")
        return view
