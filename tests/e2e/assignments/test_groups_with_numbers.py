"""Groups and sync tasks end to end: the assignments and numbers services as processes,
over real Kafka and the real database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from tests.e2e.conftest import Launcher
from tests.support import eventually
from textbus.kit.auth import Role, mint
from textbus.kit.settings import AuthSettings

pytestmark = pytest.mark.e2e

PROVIDER = mint(AuthSettings(), subject="provider-ops", tenant="provider", role=Role.PROVIDER)
ADMIN = mint(AuthSettings(), subject="admin@acme", tenant="acme", role=Role.ENTERPRISE_ADMIN)
N1, N2, N3, N4 = "+14155550101", "+14155550102", "+14155550103", "+14155550104"


@dataclass
class Platform:
    http: aiohttp.ClientSession
    assignments: str
    numbers: str

    async def call(self, method: str, url: str, token: str = ADMIN, **kwargs: Any) -> tuple[int, Any]:
        async with self.http.request(
            method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs
        ) as answer:
            body = await answer.json() if answer.status != 204 else None
            return answer.status, body

    async def ok(self, method: str, url: str, token: str = ADMIN, **kwargs: Any) -> Any:
        status, body = await self.call(method, url, token, **kwargs)
        assert status < 300, (method, url, status, body)
        return body

    async def given_enterprise(self, app: str) -> None:
        await self.ok(
            "POST",
            f"{self.assignments}/v1/enterprises",
            PROVIDER,
            json={"enterprise_id": "acme", "name": "Acme", "settings": {"connector_app": app}},
        )

        async def known_to_numbers() -> bool:
            status, _ = await self.call("GET", f"{self.numbers}/v1/tenants/acme/numbers?limit=1")
            return status == 200

        # The numbers service learns of the enterprise from its event; until then acme is a 404 there.
        await eventually(known_to_numbers, timeout=60)

    async def given_users(self, *user_ids: str) -> None:
        for user_id in user_ids:
            await self.ok(
                "PUT",
                f"{self.assignments}/v1/tenants/acme/users/{user_id}",
                json={"display_name": user_id.title(), "sign_in_name": f"{user_id}@acme.test"},
            )

    async def given_numbers(self, *numbers: str) -> None:
        for number in numbers:
            await self.ok(
                "POST",
                f"{self.numbers}/v1/tenants/acme/numbers",
                PROVIDER,
                json={"country_code": 1, "national_number": number[2:], "sms_capable": True},
            )

    async def assignee_in_numbers(self, number: str) -> dict[str, Any] | None:
        view = await self.ok("GET", f"{self.numbers}/v1/tenants/acme/numbers/{number}")
        assignee: dict[str, Any] | None = view["assignee"]
        return assignee

    async def group(self, group_id: str) -> dict[str, Any]:
        group: dict[str, Any] = await self.ok("GET", f"{self.assignments}/v1/tenants/acme/groups/{group_id}")
        return group

    async def tasks(self, **params: str) -> list[dict[str, Any]]:
        found = await self.ok("GET", f"{self.assignments}/v1/tenants/acme/sync-tasks", params=params)
        tasks: list[dict[str, Any]] = found["items"]
        return tasks


@pytest.fixture
async def platform(launch: Launcher) -> AsyncIterator[Platform]:
    async with (
        launch("numbers") as numbers,
        launch("assignments") as assignments,
        aiohttp.ClientSession() as http,
    ):
        yield Platform(http=http, assignments=assignments, numbers=numbers)


def states(group: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    return {n["number"]: (n["state"], n["code"]) for n in group["numbers"]}


async def until(probe: Callable[[], Awaitable[Any]], expected: Any, timeout: float = 60) -> None:
    """Poll ``probe`` until it answers ``expected``; fail with its last answer."""
    last: list[Any] = []

    async def matches() -> bool:
        last[:] = [await probe()]
        return bool(last[0] == expected)

    try:
        await eventually(matches, timeout=timeout)
    except AssertionError as error:
        raise AssertionError(f"expected {expected!r}, last saw {last[0] if last else None!r}") from error


async def test_a_group_gets_the_free_numbers_reports_the_taken_one_and_frees_them_when_deleted(
    platform: Platform,
) -> None:
    await platform.given_enterprise("legacy")
    await platform.given_users("ann", "bob", "cy")
    await platform.given_numbers(N1, N2, N3)
    await platform.ok("PUT", f"{platform.assignments}/v1/tenants/acme/users/bob/numbers/{N3}")
    await until(lambda: platform.assignee_in_numbers(N3), {"kind": "user", "id": "bob", "name": "Bob"})

    created = await platform.ok(
        "POST",
        f"{platform.assignments}/v1/tenants/acme/groups",
        json={
            "name": "Sales",
            "owner_user_id": "ann",
            "member_user_ids": ["bob", "cy"],
            "numbers": [N1, N2, N3],
        },
    )
    group_id = created["group_id"]

    assert created["member_count"] == 2
    await until(
        lambda: _states_of(platform, group_id),
        {N1: ("assigned", None), N2: ("assigned", None), N3: ("refused", "already-assigned")},
    )
    for number in (N1, N2):
        assignee = await platform.assignee_in_numbers(number)
        assert assignee is not None and (assignee["kind"], assignee["id"]) == ("group", group_id)
    assert (await platform.assignee_in_numbers(N3) or {}).get("id") == "bob"

    status, _ = await platform.call("DELETE", f"{platform.assignments}/v1/tenants/acme/groups/{group_id}")
    assert status == 204
    for number in (N1, N2):
        await until(lambda n=number: platform.assignee_in_numbers(n), None)  # type: ignore[misc]
    assert (await platform.call("GET", f"{platform.assignments}/v1/tenants/acme/groups/{group_id}"))[0] == 404

    # Legacy app: every assignment change, one open task gathering them all.
    await until(lambda: _change_causes(platform), sorted(["number-assigned"] * 3 + ["number-unassigned"] * 2))
    [task] = await platform.tasks()
    assert (task["title"], task["status"]) == ("Sync SMS App", "open")

    completed = await platform.ok(
        "POST", f"{platform.assignments}/v1/tenants/acme/sync-tasks/{task['task_id']}/complete"
    )
    assert (completed["status"], completed["completed_by"], completed["change_count"]) == (
        "completed",
        "admin@acme",
        5,
    )
    again, _ = await platform.call(
        "POST", f"{platform.assignments}/v1/tenants/acme/sync-tasks/{task['task_id']}/complete"
    )
    assert again == 409

    # The next change opens a new task; switching to the unified app stops it.
    await platform.ok("PUT", f"{platform.assignments}/v1/tenants/acme/users/cy/numbers/{N1}")
    await until(lambda: _statuses(platform), ["completed", "open"])
    await platform.ok(
        "PATCH",
        f"{platform.assignments}/v1/tenants/acme/sms-settings",
        PROVIDER,
        json={"connector_app": "unified"},
    )
    await until(lambda: _statuses(platform), ["cancelled", "completed"])


async def test_the_unified_app_needs_a_sync_only_for_first_time_sms_users(platform: Platform) -> None:
    await platform.given_enterprise("unified")
    await platform.given_users("ann", "bob", "cy", "dee")
    await platform.given_numbers(N1, N2, N4)
    await platform.ok("PUT", f"{platform.assignments}/v1/tenants/acme/users/bob/numbers/{N4}")
    created = await platform.ok(
        "POST",
        f"{platform.assignments}/v1/tenants/acme/groups",
        json={"name": "Support", "owner_user_id": "ann", "member_user_ids": ["bob", "cy"], "numbers": [N1]},
    )
    group_id = created["group_id"]
    await until(lambda: _states_of(platform, group_id), {N1: ("assigned", None)})

    # bob's first number (personal) and cy's (through the group); the owner is not a member.
    await until(lambda: _first_time_users(platform, status="open"), ["bob", "cy"])
    [task] = await platform.tasks(status="open")
    assert task["title"] == "Sync Unified App"
    await platform.ok("POST", f"{platform.assignments}/v1/tenants/acme/sync-tasks/{task['task_id']}/complete")

    # A second number for the group reaches nobody new; a new member is a first-time SMS user.
    await platform.ok(
        "PATCH",
        f"{platform.assignments}/v1/tenants/acme/groups/{group_id}",
        json={"numbers_add": [N2], "members_add": ["dee"]},
    )
    await until(lambda: _states_of(platform, group_id), {N1: ("assigned", None), N2: ("assigned", None)})
    await until(lambda: _first_time_users(platform, status="open"), ["dee"])
    completed = await platform.tasks(status="completed")
    assert [(t["task_id"], t["completed_by"]) for t in completed] == [(task["task_id"], "admin@acme")]


async def _states_of(platform: Platform, group_id: str) -> dict[str, tuple[str, str | None]]:
    return states(await platform.group(group_id))


async def _change_causes(platform: Platform) -> list[str]:
    return sorted(c["cause"] for t in await platform.tasks() for c in t["changes"])


async def _first_time_users(platform: Platform, **params: str) -> list[str]:
    return sorted(c["user_id"] for t in await platform.tasks(**params) for c in t["changes"])


async def _statuses(platform: Platform) -> list[str]:
    return sorted(t["status"] for t in await platform.tasks())
