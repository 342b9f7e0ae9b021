"""The numbers service running over real Kafka and FerretDB, driven through its REST API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from pymongo import AsyncMongoClient

from tests.support import Clock, eventually, produce
from textbus.contracts import Envelope, Payload
from textbus.contracts.assignments.v1 import EnterpriseUpserted, GroupUpserted, UserUpserted
from textbus.contracts.carriers.v1 import CarrierProfileUpserted
from textbus.kit.auth import Role, mint
from textbus.kit.service import running
from textbus.kit.settings import AuthSettings, ServiceSettings
from textbus.numbers.bootstrap import bootstrap
from textbus.numbers.config import NumbersSettings

TENANT = "acme"


@dataclass
class NumbersApi:
    url: str
    http: aiohttp.ClientSession
    settings: ServiceSettings
    db: Any
    clock: Clock
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, role: str = "admin", tenant: str = TENANT) -> dict[str, str]:
        key = f"{role}@{tenant}"
        if key not in self.tokens:
            kind = Role.PROVIDER if role == "provider" else Role.ENTERPRISE_ADMIN
            self.tokens[key] = mint(AuthSettings(), subject=f"{role}-1", tenant=tenant, role=kind)
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Any = None,
        role: str = "admin",
        tenant: str = TENANT,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        status, body, _ = await self.exchange(
            method, path, json=json, data=data, role=role, tenant=tenant, headers=headers
        )
        return status, body

    async def exchange(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Any = None,
        role: str = "admin",
        tenant: str = TENANT,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, Mapping[str, str]]:
        """A call, with the answer's headers."""
        async with self.http.request(
            method,
            f"{self.url}{path}",
            json=json,
            data=data,
            headers={**self.token(role, tenant), **(headers or {})},
        ) as answer:
            if answer.content_type in ("application/json", "application/problem+json"):
                return answer.status, await answer.json(), answer.headers
            return answer.status, await answer.text(), answer.headers

    async def publish(self, topic: str, payload: Payload, subject: str, tenant: str = TENANT) -> None:
        envelope = Envelope.wrap(payload, source="tests", subject=subject, tenant=tenant)
        await produce(
            self.settings.kafka.bootstrap_servers,
            self.settings.topic_name(topic),
            envelope.to_json(),
            key=subject.encode(),
        )

    async def carrier_profile(self, profile_id: str, name: str = "Main", carrier: str = "Telnyx") -> None:
        await self.publish(
            "carriers.events.v1",
            CarrierProfileUpserted(profile_id=profile_id, name=name, carrier=carrier),
            profile_id,
        )
        await eventually(lambda: self.db["carrier_profiles"].find_one({"_id": f"{TENANT}/{profile_id}"}))

    async def user(self, user_id: str, name: str, enabled: bool = True) -> None:
        await self.publish(
            "assignments.events.v1",
            UserUpserted(
                user_id=user_id, display_name=name, sign_in_name=f"{user_id}@acme.test", enabled=enabled
            ),
            user_id,
        )
        await eventually(lambda: self._has("assignees", f"{TENANT}/user/{user_id}", "enabled", enabled))

    async def group(self, group_id: str, name: str) -> None:
        await self.publish(
            "assignments.events.v1",
            GroupUpserted(group_id=group_id, name=name, owner_user_id="u-owner", member_user_ids=[]),
            group_id,
        )
        await eventually(lambda: self.db["assignees"].find_one({"_id": f"{TENANT}/group/{group_id}"}))

    async def manages_own_numbers(self, value: bool, tenant: str = TENANT) -> None:
        await self.enterprise(tenant, manages_own_numbers=value)

    async def enterprise(self, tenant: str, *, manages_own_numbers: bool = False) -> None:
        """The enterprise as the assignments service announces it; until then its tenant is a 404."""
        await self.publish(
            "assignments.events.v1",
            EnterpriseUpserted(
                enterprise_id=tenant,
                name=tenant,
                group_texting=True,
                secure_sms=False,
                connector_app="unified",
                manages_own_numbers=manages_own_numbers,
            ),
            tenant,
            tenant=tenant,
        )
        await eventually(lambda: self._has("enterprises", tenant, "manages_own_numbers", manages_own_numbers))

    async def _has(self, collection: str, id_: str, field: str, value: Any) -> bool:
        document = await self.db[collection].find_one({"_id": id_})
        return bool(document) and document.get(field) == value

    async def add(self, national: str, *, sms: bool = True, profile: str | None = None) -> dict[str, Any]:
        status, body = await self.call(
            "POST",
            f"/v1/tenants/{TENANT}/numbers",
            json={
                "country_code": 1,
                "national_number": national,
                "sms_capable": sms,
                "carrier_profile_id": profile,
            },
        )
        assert status == 201, body
        return dict(body)

    async def job(self, job_id: str, tenant: str = TENANT) -> dict[str, Any]:
        async def completed() -> dict[str, Any] | None:
            status, body = await self.call("GET", f"/v1/tenants/{tenant}/jobs/{job_id}?results=true")
            assert status == 200, body
            return body if body["status"] == "completed" else None

        return await eventually(completed, timeout=120)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limits() -> NumbersSettings:
    return NumbersSettings(
        tier_limit=3,
        max_range_size=1000,
        max_import_rows=100,
        max_import_bytes=20_000,
        inactivity_sweep_seconds=3600,
    )


@pytest.fixture
async def api(
    settings_for: Callable[[str], ServiceSettings],
    mongo: AsyncMongoClient[dict[str, Any]],
    clock: Clock,
    limits: NumbersSettings,
) -> AsyncIterator[NumbersApi]:
    settings = settings_for("numbers")
    async with running(bootstrap(settings, limits, clock)) as live, aiohttp.ClientSession() as http:
        numbers = NumbersApi(
            url=live.url, http=http, settings=settings, db=mongo[settings.database_name], clock=clock
        )
        await numbers.manages_own_numbers(True)
        yield numbers
