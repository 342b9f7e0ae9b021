"""REST routes for SMS groups."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field

from textbus.assignments.domain.group_search import GroupSearch
from textbus.assignments.domain.groups import MAX_MEMBERS, MAX_NAME_LENGTH, MAX_NUMBERS
from textbus.assignments.entrypoints.http.common import TENANT, UserId, correlation_id
from textbus.assignments.service import groups as views
from textbus.assignments.service.commands import CreateGroup, DeleteGroup, UpdateGroup
from textbus.assignments.service.groups import GroupView
from textbus.assignments.service.ports import Ports
from textbus.contracts.common import E164
from textbus.kit.bus import MessageBus
from textbus.kit.http import Api, Page, PageQuery, RequestModel, principal, tenant_of

TAGS = ("groups",)
GROUP = f"{TENANT}/groups/{{group_id}}"
BAD_INPUT = {
    404: "No such group or enterprise",
    409: "The name is used by another group, or the group changed meanwhile",
    422: "Unknown or disabled users, another tenant's numbers, or a broken group rule",
}


class GroupBody(RequestModel):
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, description="Unique in the tenant.")
    owner_user_id: UserId
    member_user_ids: list[UserId] = Field(default_factory=list, max_length=MAX_MEMBERS)
    numbers: list[E164] = Field(default_factory=list, max_length=MAX_NUMBERS)


class GroupPatch(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME_LENGTH)
    owner_user_id: UserId | None = None
    members_add: list[UserId] = Field(default_factory=list, max_length=MAX_MEMBERS)
    members_remove: list[UserId] = Field(default_factory=list, max_length=MAX_MEMBERS)
    numbers_add: list[E164] = Field(default_factory=list, max_length=MAX_NUMBERS)
    numbers_remove: list[E164] = Field(default_factory=list, max_length=MAX_NUMBERS)


class GroupQuery(PageQuery, GroupSearch):
    """The quick search, column filters and sort of the groups table, and a page of it."""


def register_group_routes(api: Api, ports: Ports, bus: MessageBus) -> None:
    @api.post(
        f"{TENANT}/groups",
        summary="Create an SMS group; each number is assigned to it through the numbers service",
        body=GroupBody,
        response=GroupView,
        status=201,
        tags=TAGS,
        responses=BAD_INPUT,
    )
    async def create_group(request: web.Request, body: GroupBody) -> GroupView:
        return await bus.handle(
            CreateGroup(
                tenant=tenant_of(request),
                name=body.name,
                owner_user_id=body.owner_user_id,
                member_user_ids=tuple(body.member_user_ids),
                numbers=tuple(body.numbers),
                requested_by=principal(request).subject,
                correlation_id=correlation_id(request),
            )
        )

    @api.get(
        f"{TENANT}/groups",
        summary="Find groups: quick search (q), column filters (AND), sorting and a page",
        query=GroupQuery,
        response=Page[GroupView],
        tags=TAGS,
    )
    async def find_groups(request: web.Request, query: GroupQuery) -> Page[GroupView]:
        items, total = await views.find_groups(
            ports, tenant_of(request), query, skip=query.skip, limit=query.limit
        )
        return Page[GroupView](items=items, total=total, skip=query.skip, limit=query.limit)

    @api.get(
        GROUP,
        summary="An SMS group",
        response=GroupView,
        tags=TAGS,
        responses={404: "No such group or enterprise"},
    )
    async def get_group(request: web.Request) -> GroupView:
        return await views.get_group(ports, tenant_of(request), request.match_info["group_id"])

    @api.patch(
        GROUP,
        summary="Rename, change the owner, add or remove members and numbers",
        body=GroupPatch,
        response=GroupView,
        tags=TAGS,
        responses=BAD_INPUT,
    )
    async def update_group(request: web.Request, body: GroupPatch) -> GroupView:
        return await bus.handle(
            UpdateGroup(
                tenant=tenant_of(request),
                group_id=request.match_info["group_id"],
                name=body.name,
                owner_user_id=body.owner_user_id,
                members_add=tuple(body.members_add),
                members_remove=tuple(body.members_remove),
                numbers_add=tuple(body.numbers_add),
                numbers_remove=tuple(body.numbers_remove),
                requested_by=principal(request).subject,
                correlation_id=correlation_id(request),
            )
        )

    @api.delete(
        GROUP,
        summary="Delete an SMS group: its numbers are unassigned and become available again",
        status=204,
        tags=TAGS,
        responses={404: "No such group or enterprise"},
    )
    async def delete_group(request: web.Request) -> web.Response:
        await bus.handle(
            DeleteGroup(
                tenant=tenant_of(request),
                group_id=request.match_info["group_id"],
                requested_by=principal(request).subject,
                correlation_id=correlation_id(request),
            )
        )
        return web.Response(status=204)
