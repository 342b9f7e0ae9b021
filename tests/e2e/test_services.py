"""Every service, started as its own process with the kit, over real Kafka and the real database."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from pymongo import AsyncMongoClient

from tests.e2e.conftest import Launcher
from tests.support import eventually
from textbus.contracts import SERVICES, topics_of
from textbus.kit.auth import Role, mint
from textbus.kit.settings import AuthSettings

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("service", SERVICES)
async def test_each_service_starts_answers_its_probes_and_stops_cleanly(
    launch: Launcher, service: str
) -> None:
    async with launch(service) as url, aiohttp.ClientSession() as http:
        async with http.get(f"{url}/healthz") as answer:
            assert answer.status == 200
        async with http.get(f"{url}/readyz") as answer:
            assert (await answer.json())["checks"] == {"kafka": True, "database": True, "consumers": True}
        async with http.get(f"{url}/metrics") as answer:
            assert "textbus_http_requests_total" in await answer.text()
        async with http.get(f"{url}/openapi.json") as answer:
            assert (await answer.json())["openapi"] == "3.1.0"
        async with http.get(f"{url}/asyncapi.json") as answer:
            document = await answer.json()
        assert document["asyncapi"] == "3.0.0"
        assert {t.name for t in topics_of(service)} < set(document["channels"])


async def test_a_user_saved_in_assignments_reaches_the_numbers_read_model(
    launch: Launcher, isolation: str, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    token = mint(AuthSettings(), subject="admin", tenant="acme", role=Role.ENTERPRISE_ADMIN)
    headers = {"Authorization": f"Bearer {token}"}
    provider = mint(AuthSettings(), subject="ops", tenant="provider", role=Role.PROVIDER)
    assignees = mongo[f"{isolation}_numbers"]["assignees"]

    async with launch("numbers"), launch("assignments") as assignments, aiohttp.ClientSession() as http:
        async with http.post(
            f"{assignments}/v1/enterprises",
            headers={"Authorization": f"Bearer {provider}"},
            json={"enterprise_id": "acme", "name": "Acme"},
        ) as answer:
            assert answer.status == 201, await answer.text()
        async with http.put(
            f"{assignments}/v1/tenants/acme/users/u1",
            headers=headers,
            json={"display_name": "Ann Lee", "sign_in_name": "ann@acme.test"},
        ) as answer:
            assert answer.status == 200, await answer.text()
        stored = await eventually(lambda: assignees.find_one({"_id": "acme/user/u1"}), timeout=60)

        async with http.put(
            f"{assignments}/v1/tenants/globex/users/u9",
            headers=headers,
            json={"display_name": "Eve", "sign_in_name": "eve@globex.test"},
        ) as answer:
            assert answer.status == 403
            assert answer.content_type == "application/problem+json"

    assert (stored["name"], stored["enabled"], stored["tenant"]) == ("Ann Lee", True, "acme")
