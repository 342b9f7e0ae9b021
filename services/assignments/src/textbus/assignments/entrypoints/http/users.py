"""REST routes for directory users and their personal numbers."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from textbus.assignments.domain.users import User
from textbus.assignments.entrypoints.http.common import E164, TENANT, Page, correlation_id, tenant_of
from textbus.assignments.service import users as use_cases
from textbus.assignments.service.ports import Ports
from textbus.assignments.service.users import UserView
from textbus.kit.http import Api, json_response, principal, query_model
from textbus.kit.problems import InvalidRequest

TAGS = ("users",)
PERSONAL = f"{TENANT}/users/{{user_id}}/numbers/{{number}}"


class UserBody(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    sign_in_name: str = Field(min_length=1, max_length=320, description="E-mail or sign-in name.")
    enabled: bool = True


class UserList(BaseModel):
    items: list[User]
    total: int


class AssignQuery(BaseModel):
    replace: bool = Field(
        default=False, description="Take the number from its current assignee (change the assignment)."
    )


def _number(request: web.Request) -> str:
    try:
        return TypeAdapter(E164).validate_python(request.match_info["number"])
    except ValidationError as error:
        raise InvalidRequest("the number must be in E.164 form, e.g. +14155550100") from error


def register_user_routes(api: Api, ports: Ports) -> None:
    @api.put(
        f"{TENANT}/users/{{user_id}}",
        summary="Create or update a directory user (enabled=false disables them)",
        body=UserBody,
        response=User,
        tags=TAGS,
    )
    async def put_user(request: web.Request, body: UserBody) -> User:
        return await use_cases.save_user(
            ports,
            tenant=tenant_of(request),
            user_id=request.match_info["user_id"],
            display_name=body.display_name,
            sign_in_name=body.sign_in_name,
            enabled=body.enabled,
            correlation_id=correlation_id(request),
        )

    @api.get(
        f"{TENANT}/users/{{user_id}}",
        summary="A directory user with their personal numbers and their groups",
        response=UserView,
        tags=TAGS,
        responses={404: "No such user in this tenant"},
    )
    async def get_user(request: web.Request) -> UserView:
        return await use_cases.user_view(ports, tenant_of(request), request.match_info["user_id"])

    @api.get(f"{TENANT}/users", summary="The tenant's users", response=UserList, tags=TAGS)
    async def list_users(request: web.Request) -> UserList:
        tenant = tenant_of(request)
        page = query_model(request, Page)
        items, total = await ports.users.list(tenant, skip=page.skip, limit=page.limit)
        return UserList(items=items, total=total)

    @api.put(
        PERSONAL,
        summary="Assign a personal number to the user (replace=true: change its assignee to the user)",
        response=UserView,
        status=202,
        tags=TAGS,
        responses={404: "No such user or enterprise", 422: "Invalid number or another tenant's number"},
    )
    async def assign_number(request: web.Request) -> web.Response:
        view = await use_cases.assign_personal_number(
            ports,
            tenant=tenant_of(request),
            user_id=request.match_info["user_id"],
            number=_number(request),
            replace=query_model(request, AssignQuery).replace,
            requested_by=principal(request).subject,
        )
        return json_response(view, 202)

    @api.delete(
        PERSONAL,
        summary="Unassign the user's personal number",
        response=UserView,
        status=202,
        tags=TAGS,
        responses={404: "No such user, or the user does not have the number"},
    )
    async def unassign_number(request: web.Request) -> web.Response:
        view = await use_cases.unassign_personal_number(
            ports,
            tenant=tenant_of(request),
            user_id=request.match_info["user_id"],
            number=_number(request),
            requested_by=principal(request).subject,
        )
        return json_response(view, 202)
