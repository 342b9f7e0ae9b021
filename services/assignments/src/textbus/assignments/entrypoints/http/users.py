"""REST routes for directory users and their personal numbers."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field, TypeAdapter, ValidationError

from textbus.assignments.domain.users import User
from textbus.assignments.entrypoints.http.common import TENANT, UserId, correlation_id
from textbus.assignments.service import users as views
from textbus.assignments.service.commands import AssignPersonalNumber, SaveUser, UnassignPersonalNumber
from textbus.assignments.service.ports import Ports
from textbus.assignments.service.users import UserView
from textbus.contracts.common import E164
from textbus.kit.bus import MessageBus
from textbus.kit.http import Api, Page, PageQuery, RequestModel, json_response, principal, tenant_of
from textbus.kit.problems import InvalidRequest

TAGS = ("users",)
PERSONAL = f"{TENANT}/users/{{user_id}}/numbers/{{number}}"


# Not blank: the stored user refuses a name of spaces, which would otherwise be a 500.
NOT_BLANK = r"\S"


class UserBody(RequestModel):
    display_name: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    sign_in_name: str = Field(
        min_length=1, max_length=320, pattern=NOT_BLANK, description="E-mail or sign-in name."
    )
    enabled: bool = True


class AssignQuery(RequestModel):
    replace: bool = Field(
        default=False, description="Take the number from its current assignee (change the assignment)."
    )


NUMBER = TypeAdapter(E164)
USER_ID = TypeAdapter(UserId)


def _path_value(request: web.Request, name: str, adapter: TypeAdapter[str], how: str) -> str:
    """A path parameter checked as its description says (the kit checks only the tenant)."""
    try:
        return adapter.validate_python(request.match_info[name])
    except ValidationError as error:
        raise InvalidRequest(f"{name}: {how}", errors=[{"location": name, "message": how}]) from error


def _number(request: web.Request) -> str:
    return _path_value(request, "number", NUMBER, "a number in E.164 form, e.g. +14155550100")


def _user_id(request: web.Request) -> str:
    return _path_value(request, "user_id", USER_ID, "a user id has 1 to 200 characters")


def register_user_routes(api: Api, ports: Ports, bus: MessageBus) -> None:
    @api.put(
        f"{TENANT}/users/{{user_id}}",
        summary="Create or update a directory user (enabled=false disables them)",
        body=UserBody,
        response=User,
        tags=TAGS,
    )
    async def put_user(request: web.Request, body: UserBody) -> User:
        return await bus.handle(
            SaveUser(
                tenant=tenant_of(request),
                user_id=_user_id(request),
                display_name=body.display_name,
                sign_in_name=body.sign_in_name,
                enabled=body.enabled,
                correlation_id=correlation_id(request),
            )
        )

    @api.get(
        f"{TENANT}/users/{{user_id}}",
        summary="A directory user with their personal numbers and their groups",
        response=UserView,
        tags=TAGS,
        responses={404: "No such user or enterprise"},
    )
    async def get_user(request: web.Request) -> UserView:
        return await views.user_view(ports, tenant_of(request), _user_id(request))

    @api.get(f"{TENANT}/users", summary="The tenant's users", query=PageQuery, response=Page[User], tags=TAGS)
    async def list_users(request: web.Request, page: PageQuery) -> Page[User]:
        items, total = await ports.users.list(tenant_of(request), skip=page.skip, limit=page.limit)
        return Page[User](items=items, total=total, skip=page.skip, limit=page.limit)

    @api.put(
        PERSONAL,
        summary="Assign a personal number to the user (replace=true: change its assignee to the user)",
        query=AssignQuery,
        response=UserView,
        status=202,
        tags=TAGS,
        responses={404: "No such user or enterprise", 422: "Invalid number or another tenant's number"},
    )
    async def assign_number(request: web.Request, query: AssignQuery) -> web.Response:
        view = await bus.handle(
            AssignPersonalNumber(
                tenant=tenant_of(request),
                user_id=_user_id(request),
                number=_number(request),
                replace=query.replace,
                requested_by=principal(request).subject,
            )
        )
        return json_response(view, 202)

    @api.delete(
        PERSONAL,
        summary="Unassign the user's personal number",
        response=UserView,
        status=202,
        tags=TAGS,
        responses={404: "No such user or enterprise, or the user does not have the number"},
    )
    async def unassign_number(request: web.Request) -> web.Response:
        view = await bus.handle(
            UnassignPersonalNumber(
                tenant=tenant_of(request),
                user_id=_user_id(request),
                number=_number(request),
                requested_by=principal(request).subject,
            )
        )
        return json_response(view, 202)
