"""The assignments service running in-process over real Kafka and the real database.

The numbers service is not running here: tests read the commands it would
get from numbers.commands.v1 and publish its answers on numbers.events.v1
themselves, so every outcome is the one the test wants.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiokafka import AIOKafkaConsumer

from tests.support import Clock, eventually, produce
from textbus.assignments.bootstrap import bootstrap
from textbus.assignments.config import RetentionSettings
from textbus.contracts import Envelope, Payload
from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import NumberCommand, NumberState
from textbus.kit.auth import Role, mint
from textbus.kit.service import running
from textbus.kit.settings import AuthSettings, ServiceSettings

PROVIDER = mint(AuthSettings(), subject="provider-ops", tenant="provider", role=Role.PROVIDER)


def admin_token(tenant: str = "acme") -> str:
    return mint(AuthSettings(), subject=f"admin@{tenant}", tenant=tenant, role=Role.ENTERPRISE_ADMIN)


@dataclass
class Answer:
    status: int
    body: Any
    content_type: str


@dataclass
class Assignments:
    url: str
    http: aiohttp.ClientSession
    settings: ServiceSettings
    commands_seen: list[Envelope] = field(default_factory=list)
    _consumer: AIOKafkaConsumer | None = None

    async def call(
        self, method: str, path: str, *, token: str | None = None, json: Any = None, params: Any = None
    ) -> Answer:
        headers = {"Authorization": f"Bearer {token or admin_token()}"}
        async with self.http.request(
            method, f"{self.url}{path}", headers=headers, json=json, params=params
        ) as answer:
            body = await answer.json() if answer.content_length != 0 and answer.status != 204 else None
            return Answer(answer.status, body, answer.content_type)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = await self.call(method, path, **kwargs)
        assert answer.status < 300, (answer.status, answer.body)
        return answer.body

    async def given_enterprise(self, tenant: str = "acme", app: str = "legacy") -> None:
        await self.ok(
            "POST",
            "/v1/enterprises",
            token=PROVIDER,
            json={"enterprise_id": tenant, "name": tenant.title(), "settings": {"connector_app": app}},
        )

    async def given_users(self, *user_ids: str, tenant: str = "acme") -> None:
        for user_id in user_ids:
            await self.ok(
                "PUT",
                f"/v1/tenants/{tenant}/users/{user_id}",
                token=admin_token(tenant),
                json={"display_name": user_id.title(), "sign_in_name": f"{user_id}@{tenant}.test"},
            )

    async def publish_number_event(
        self, payload: Payload, number: str, *, tenant: str = "acme", correlation_id: str | None = None
    ) -> Envelope:
        envelope = Envelope.wrap(
            payload, source="numbers", subject=number, tenant=tenant, correlation_id=correlation_id
        )
        await self.republish(envelope)
        return envelope

    async def republish(self, envelope: Envelope) -> None:
        """Publish a numbers event again, as a redelivery or a replay would."""
        await produce(
            self.settings.kafka.bootstrap_servers,
            self.settings.topic_name("numbers.events.v1"),
            envelope.to_json(),
            key=envelope.subject.encode(),
        )

    async def next_commands(self, count: int, timeout: float = 30.0) -> list[Envelope]:
        """The next ``count`` commands this service sent to the numbers service."""
        assert self._consumer is not None
        wanted = len(self.commands_seen) + count

        async def enough() -> bool:
            assert self._consumer is not None
            batch = await self._consumer.getmany(timeout_ms=300)
            for records in batch.values():
                self.commands_seen.extend(Envelope.model_validate_json(r.value or b"") for r in records)
            return len(self.commands_seen) >= wanted

        await eventually(enough, timeout=timeout)
        return self.commands_seen[wanted - count : wanted]


def state(number: str, assignee: Assignee | None, *, sms_capable: bool = True) -> NumberState:
    now = datetime.now(UTC)
    return NumberState(
        number=number,
        sms_capable=sms_capable,
        carrier_profile_id=None,
        assignee=assignee,
        registration="unregistered",
        lifecycle="active",
        last_activity_at=None,
        created_at=now,
        updated_at=now,
    )


def command_of(envelope: Envelope) -> NumberCommand:
    assert isinstance(envelope.data, NumberCommand)
    return envelope.data


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def retention() -> RetentionSettings:
    return RetentionSettings()


@pytest.fixture
async def assignments(
    settings_for: Callable[[str], ServiceSettings], clock: Clock, retention: RetentionSettings
) -> AsyncIterator[Assignments]:
    settings = settings_for("assignments")
    async with running(bootstrap(settings, clock, retention)) as live, aiohttp.ClientSession() as http:
        consumer = AIOKafkaConsumer(
            settings.topic_name("numbers.commands.v1"),
            bootstrap_servers=settings.kafka.bootstrap_servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            yield Assignments(url=live.url, http=http, settings=settings, _consumer=consumer)
        finally:
            await consumer.stop()
            await asyncio.sleep(0)
