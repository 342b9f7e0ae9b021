"""The carrier gateway running over real Kafka and FerretDB, with carriers simulated over real
HTTP; the other services' events are published as those services publish them. Driven in domain
verbs: an enterprise, a number assigned to someone, a carrier profile, a message sent."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import aiohttp
import pytest
from aiokafka import AIOKafkaProducer
from cryptography.fernet import Fernet
from pydantic import SecretStr
from pymongo import AsyncMongoClient

from tests.support import eventually, produce, read_records
from textbus.carrier_gateway.bootstrap import bootstrap
from textbus.carrier_gateway.config import GatewaySettings
from textbus.contracts import Envelope, Payload
from textbus.contracts.assignments.v1 import EnterpriseUpserted, GroupUpserted
from textbus.contracts.common import Assignee
from textbus.contracts.directory.v1 import ProjectPublished
from textbus.contracts.numbers.v1 import NumberAssigned, NumberState
from textbus.contracts.outbound.v1 import MessageStatusChanged, Sender, SendMessage
from textbus.devinfra.processes import free_port
from textbus.kit.auth import Role, mint
from textbus.kit.service import running
from textbus.kit.settings import AuthSettings, HttpSettings, ServiceSettings

TENANT = "acme"
FINAL = ("delivered", "undelivered", "failed", "expired", "refused", "submit-unknown")


@dataclass
class Gateway:
    url: str
    http: aiohttp.ClientSession
    settings: ServiceSettings
    db: Any
    keys: str
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, role: str = "provider", tenant: str = TENANT) -> dict[str, str]:
        key = f"{role}@{tenant}"
        if key not in self.tokens:
            kind = Role.PROVIDER if role == "provider" else Role.ENTERPRISE_ADMIN
            self.tokens[key] = mint(AuthSettings(), subject=f"{role}-1", tenant=tenant, role=kind)
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    async def call(
        self, method: str, path: str, *, json: Any = None, role: str = "provider", tenant: str = TENANT
    ) -> tuple[int, Any]:
        async with self.http.request(
            method, f"{self.url}{path}", json=json, headers=self.token(role, tenant)
        ) as answer:
            if answer.content_type in ("application/json", "application/problem+json"):
                return answer.status, await answer.json()
            return answer.status, await answer.text()

    async def publish(self, topic: str, payload: Payload, subject: str, tenant: str = TENANT) -> Envelope:
        envelope = Envelope.wrap(payload, source="tests", subject=subject, tenant=tenant)
        await produce(
            self.settings.kafka.bootstrap_servers,
            self.settings.topic_name(topic),
            envelope.to_json(),
            key=subject.encode(),
        )
        return envelope

    # --- the other services, as their events say -------------------------------------------------
    async def enterprise(
        self, tenant: str = TENANT, *, group_texting: bool = False, manages_own_numbers: bool = False
    ) -> None:
        await self.publish(
            "assignments.events.v1",
            EnterpriseUpserted(
                enterprise_id=tenant,
                name=tenant,
                group_texting=group_texting,
                secure_sms=False,
                connector_app="unified",
                manages_own_numbers=manages_own_numbers,
            ),
            tenant,
            tenant=tenant,
        )

        async def known() -> bool:
            document = await self.db["enterprises"].find_one({"_id": tenant})
            return bool(document) and (document["group_texting"], document["manages_own_numbers"]) == (
                group_texting,
                manages_own_numbers,
            )

        await eventually(known)

    async def number(
        self,
        number: str,
        profile: str | None,
        *,
        assignee: tuple[str, str] | None = ("user", "u-1"),
        sms: bool = True,
        active: bool = True,
        tenant: str = TENANT,
    ) -> None:
        now = datetime.now(UTC)
        state = NumberState(
            number=number,
            sms_capable=sms,
            carrier_profile_id=profile,
            assignee=Assignee(kind=assignee[0], id=assignee[1]) if assignee else None,  # type: ignore[arg-type]
            registration="registered",
            lifecycle="active" if active else "released",
            last_activity_at=None,
            created_at=now,
            updated_at=now,
        )
        await self.publish("numbers.events.v1", NumberAssigned(state=state), number, tenant=tenant)

        async def known() -> bool:
            document = await self.db["numbers"].find_one({"_id": number})
            return (
                bool(document) and document["carrier_profile_id"] == profile and document["active"] == active
            )

        await eventually(known)

    async def group(self, group_id: str, members: list[str]) -> None:
        await self.publish(
            "assignments.events.v1",
            GroupUpserted(
                group_id=group_id, name=group_id, owner_user_id=members[0], member_user_ids=members
            ),
            group_id,
        )
        await eventually(lambda: self.db["groups"].find_one({"_id": f"{TENANT}/{group_id}"}))

    async def project(self, project_id: str, numbers: list[str]) -> None:
        await self.publish(
            "directory.events.v1",
            ProjectPublished(project_id=project_id, name=project_id, numbers=numbers),
            project_id,
        )
        await eventually(lambda: self.db["projects"].find_one({"_id": f"{TENANT}/{project_id}"}))

    async def opted_out(self, recipient: str) -> None:
        await self.db["consent"].replace_one(
            {"_id": f"{TENANT}/{recipient}"},
            {"_id": f"{TENANT}/{recipient}", "tenant": TENANT, "recipient": recipient, "state": "opted-out"},
            upsert=True,
        )

    # --- the gateway's own API ----------------------------------------------------------------
    async def profile(
        self, carrier: str, credentials: dict[str, Any] | None = None, **fields: Any
    ) -> dict[str, Any]:
        status, body = await self.call(
            "POST",
            f"/v1/tenants/{TENANT}/carrier-profiles",
            json={"name": f"{carrier} main", "carrier": carrier, "credentials": credentials or {}, **fields},
        )
        assert status == 201, body
        return dict(body)

    async def send(
        self,
        from_number: str,
        to: list[str],
        text: str = "Hello from textbus",
        *,
        sender: Sender | None = None,
        media: list[dict[str, Any]] | None = None,
        message_id: str | None = None,
    ) -> str:
        """A send request on Kafka, as another system publishes it; the message id."""
        message_id = message_id or uuid.uuid4().hex
        await self.publish(
            "sms.outbound.requested.v1",
            SendMessage(
                message_id=message_id,
                from_number=from_number,
                to=to,
                text=text,
                media=media or [],  # type: ignore[arg-type]
                sender=sender or Sender(kind="user", id="u-1"),
                requested_by="tests",
            ),
            from_number,
        )
        return message_id

    async def send_many(self, from_number: str, count: int, to: str = "+14155550199") -> list[str]:
        """``count`` send requests from one number on Kafka in one go; their message ids."""
        ids = [uuid.uuid4().hex for _ in range(count)]
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka.bootstrap_servers, acks="all", enable_idempotence=True
        )
        await producer.start()
        try:
            topic = self.settings.topic_name("sms.outbound.requested.v1")
            sent = [
                await producer.send(
                    topic,
                    Envelope.wrap(
                        SendMessage(
                            message_id=message_id,
                            from_number=from_number,
                            to=[to],
                            text=f"message {i}",
                            sender=Sender(kind="user", id="u-1"),
                            requested_by="tests",
                        ),
                        source="tests",
                        subject=from_number,
                        tenant=TENANT,
                    ).to_json(),
                    key=from_number.encode(),
                )
                for i, message_id in enumerate(ids)
            ]
            await asyncio.gather(*sent)
        finally:
            await producer.stop()
        return ids

    async def count(self, **query: Any) -> int:
        return int(await self.db["outbound_messages"].count_documents(query))

    async def message(self, message_id: str) -> dict[str, Any]:
        """The message, once the gateway has taken its request."""

        async def found() -> dict[str, Any] | None:
            status, body = await self.call("GET", f"/v1/tenants/{TENANT}/messages/{message_id}")
            assert status in (200, 404), body
            return dict(body) if status == 200 else None

        return await eventually(found, timeout=120)

    async def settled(self, message_id: str, timeout: float = 60) -> dict[str, Any]:
        """The message once it reached a final state."""

        async def final() -> dict[str, Any] | None:
            status, body = await self.call("GET", f"/v1/tenants/{TENANT}/messages/{message_id}")
            return body if status == 200 and body["state"] in FINAL else None

        return await eventually(final, timeout=timeout)

    async def statuses(self, count: int) -> list[MessageStatusChanged]:
        records = await read_records(
            self.settings.kafka.bootstrap_servers, self.settings.topic_name("sms.outbound.status.v1"), count
        )
        payloads = [Envelope.model_validate_json(r.value or b"").data for r in records]
        return [p for p in payloads if isinstance(p, MessageStatusChanged)]


@pytest.fixture
def credential_keys() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def gateway_settings(credential_keys: str) -> GatewaySettings:
    port = free_port()
    return GatewaySettings(
        credential_keys=SecretStr(credential_keys),
        public_url=f"http://127.0.0.1:{port}",
        sandbox_delivery_seconds=0.1,
        first_retry_seconds=0.2,
        max_retry_seconds=2.0,
    )


class GatewayStarter(Protocol):
    def __call__(self, **settings: Any) -> AbstractAsyncContextManager[Gateway]: ...


@pytest.fixture
def start_gateway(
    settings_for: Callable[[str], ServiceSettings],
    mongo: AsyncMongoClient[dict[str, Any]],
    gateway_settings: GatewaySettings,
    credential_keys: str,
) -> GatewayStarter:
    """``async with start_gateway(**gateway settings) as gateway``: the gateway in this test's topics
    and database, on the same port each time, so a test can stop it and start it again."""
    settings = settings_for("carrier-gateway")
    port = int((gateway_settings.public_url or "").rsplit(":", 1)[1])
    settings = settings.model_copy(update={"http": HttpSettings(host="127.0.0.1", port=port)})

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Gateway]:
        configured = gateway_settings.model_copy(update=overrides)
        keys = configured.credential_keys.get_secret_value() if configured.credential_keys else ""
        async with running(bootstrap(settings, gateway=configured)) as live, aiohttp.ClientSession() as http:
            yield Gateway(live.url, http, settings, mongo[settings.database_name], keys)

    return start


@pytest.fixture
async def gateway(start_gateway: GatewayStarter) -> AsyncIterator[Gateway]:
    async with start_gateway() as gateway:
        await gateway.enterprise()
        yield gateway
