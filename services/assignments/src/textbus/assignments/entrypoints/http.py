"""REST routes for directory users."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from textbus.assignments.domain.users import User
from textbus.assignments.service import users as use_cases
from textbus.assignments.service.ports import Users
from textbus.kit.http import Api, principal, query_model
from textbus.kit.problems import NotFound


class UserBody(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    sign_in_name: str = Field(min_length=1, max_length=320)
    enabled: bool = True


class UserList(BaseModel):
    items: list[User]
    total: int


class Page(BaseModel):
    skip: int = Field(default=0, ge=0)
    limit: int = Field(default=50, ge=1, le=500)


def register_user_routes(api: Api, users: Users) -> None:
    @api.put(
        "/v1/tenants/{tenant}/users/{user_id}",
        summary="Create or update a directory user",
        body=UserBody,
        response=User,
        tags=("users",),
    )
    async def put_user(request: web.Request, body: UserBody) -> User:
        tenant = request.match_info["tenant"]
        principal(request).require_tenant(tenant)
        return await use_cases.save_user(
            users,
            tenant=tenant,
            user_id=request.match_info["user_id"],
            display_name=body.display_name,
            sign_in_name=body.sign_in_name,
            enabled=body.enabled,
            correlation_id=request.headers.get("X-Correlation-Id"),
        )

    @api.get(
        "/v1/tenants/{tenant}/users/{user_id}",
        summary="A directory user",
        response=User,
        tags=("users",),
        responses={404: "No such user in this tenant"},
    )
    async def get_user(request: web.Request) -> User:
        tenant, user_id = request.match_info["tenant"], request.match_info["user_id"]
        principal(request).require_tenant(tenant)
        user = await users.get(tenant, user_id)
        if user is None:
            raise NotFound(f"no user {user_id!r} in tenant {tenant!r}")
        return user

    @api.get("/v1/tenants/{tenant}/users", summary="The tenant's users", response=UserList, tags=("users",))
    async def list_users(request: web.Request) -> UserList:
        tenant = request.match_info["tenant"]
        principal(request).require_tenant(tenant)
        page = query_model(request, Page)
        items, total = await users.list(tenant, skip=page.skip, limit=page.limit)
        return UserList(items=items, total=total)
