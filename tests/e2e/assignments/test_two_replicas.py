"""Two replicas of the assignments service behind one "load balancer": concurrent writes of one group,
one user's personal numbers and one enterprise's settings, half through each replica. Every change a
replica accepted is in the final state and in the events; a change refused as a concurrent change is
in neither. The database is FerretDB, whose updates of one document are read-then-replace."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from aiokafka import AIOKafkaConsumer

from tests.e2e.conftest import Launcher
from textbus.contracts import Envelope
from textbus.contracts.assignments.v1 import EnterpriseUpserted, GroupUpserted
from textbus.contracts.numbers.v1 import AssignNumber
from textbus.kit.auth import Role, mint
from textbus.kit.settings import AuthSettings, ServiceSettings

pytestmark = pytest.mark.e2e

PROVIDER = mint(AuthSettings(), subject="provider-ops", tenant="provider", role=Role.PROVIDER)
ADMIN = mint(AuthSettings(), subject="admin@acme", tenant="acme", role=Role.ENTERPRISE_ADMIN)
WRITERS = 20  # concurrent writes of each document, every other one through the second replica
SETTINGS = {"group_texting": True, "secure_sms": True, "manages_own_numbers": True}
ROUNDS = 4  # of concurrent settings changes, each from all off


class Replicas:
    def __init__(self, http: aiohttp.ClientSession, urls: tuple[str, str]) -> None:
        self.http, self.urls = http, urls

    async def call(
        self, i: int, method: str, path: str, token: str = ADMIN, **kwargs: Any
    ) -> tuple[int, Any]:
        url = self.urls[i % 2] + path
        async with self.http.request(
            method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs
        ) as a:
            return a.status, await a.json()

    async def ok(self, i: int, method: str, path: str, token: str = ADMIN, **kwargs: Any) -> Any:
        status, body = await self.call(i, method, path, token, **kwargs)
        assert status < 300, (method, path, status, body)
        return body

    async def concurrently(self, writes: list[Callable[[int], Any]]) -> list[bool]:
        """Fire the writes at once (write i through replica i % 2); which of them were accepted.
        A write may be refused as a concurrent change (409), never anything else."""
        answers = await asyncio.gather(*(write(i) for i, write in enumerate(writes)))
        for status, body in answers:
            assert status < 300 or (status, body["code"]) == (409, "concurrent-change"), (status, body)
        return [status < 300 for status, _ in answers]


async def payloads(bootstrap: str, topic: str) -> dict[str, list[Any]]:
    """The payloads of the envelopes on ``topic`` so far by key, in order, each envelope once."""
    # No consumer group: every partition, from the beginning.
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        end = await consumer.end_offsets(list(consumer.assignment()))
        seen: dict[str, dict[str, Any]] = defaultdict(dict)
        while any([await consumer.position(tp) < offset for tp, offset in end.items()]):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    if record.key is not None and record.value is not None:
                        envelope = Envelope.model_validate_json(record.value)
                        seen[record.key.decode()].setdefault(str(envelope.id), envelope.data)
        return {key: list(by_id.values()) for key, by_id in seen.items()}
    finally:
        await consumer.stop()


async def test_concurrent_writes_through_two_replicas_lose_nothing(
    launch: Launcher, settings_for: Callable[[str], ServiceSettings]
) -> None:
    settings = settings_for("assignments")
    bootstrap = settings.kafka.bootstrap_servers
    async with launch("assignments") as a, launch("assignments") as b, aiohttp.ClientSession() as http:
        replicas = Replicas(http, (a, b))
        await replicas.ok(
            0, "POST", "/v1/enterprises", PROVIDER, json={"enterprise_id": "acme", "name": "Acme"}
        )
        users = [f"u{i:02}" for i in range(WRITERS)]
        for i, user in enumerate(["owner", *users]):
            await replicas.ok(
                i, "PUT", f"/v1/tenants/acme/users/{user}", json={"display_name": user, "sign_in_name": user}
            )
        group = await replicas.ok(
            0, "POST", "/v1/tenants/acme/groups", json={"name": "Sales", "owner_user_id": "owner"}
        )
        group_path = f"/v1/tenants/acme/groups/{group['group_id']}"
        numbers = [f"+1415555{i:04}" for i in range(WRITERS)]

        def add_member(user: str) -> Callable[[int], Any]:
            return lambda i: replicas.call(i, "PATCH", group_path, json={"members_add": [user]})

        def ask_number(number: str) -> Callable[[int], Any]:
            return lambda i: replicas.call(i, "PUT", f"/v1/tenants/acme/users/owner/numbers/{number}")

        def change_settings(change: dict[str, Any]) -> Callable[[int], Any]:
            return lambda i: replicas.call(i, "PATCH", "/v1/tenants/acme/sms-settings", PROVIDER, json=change)

        added, asked = await asyncio.gather(
            replicas.concurrently([add_member(u) for u in users]),
            replicas.concurrently([ask_number(n) for n in numbers]),
        )
        for _ in range(ROUNDS):
            await replicas.ok(
                0, "PATCH", "/v1/tenants/acme/sms-settings", PROVIDER, json=dict.fromkeys(SETTINGS, False)
            )
            changes = [{field: True} for field in SETTINGS]
            accepted = await replicas.concurrently([change_settings(c) for c in changes])
            settled = await replicas.ok(1, "GET", "/v1/tenants/acme/sms-settings")
            for field, took in zip(SETTINGS, accepted, strict=True):
                if took:
                    assert settled[field] is True, (field, settled)

        members = {u for u, took in zip(users, added, strict=True) if took}
        final_group = await replicas.ok(1, "GET", group_path)
        assert {m["user_id"] for m in final_group["members"]} == members
        asked_numbers = {n for n, took in zip(numbers, asked, strict=True) if took}
        owner = await replicas.ok(1, "GET", "/v1/tenants/acme/users/owner")
        assert {n["number"] for n in owner["numbers"]} == asked_numbers
        assert members and asked_numbers, "no write of a document was accepted at all"

        # The events: the group's last GroupUpserted has every accepted member; one AssignNumber per
        # accepted number; the enterprise's last event its final settings.
        events = await payloads(bootstrap, settings.topic_name("assignments.events.v1"))
        upserts = [e for e in events[group["group_id"]] if isinstance(e, GroupUpserted)]
        assert set(upserts[-1].member_user_ids) == members
        commands_by_number = await payloads(bootstrap, settings.topic_name("numbers.commands.v1"))
        for number in numbers:
            commands = commands_by_number.get(number, [])
            assigned = [c for c in commands if isinstance(c, AssignNumber) and c.assignee.id == "owner"]
            assert len(assigned) == (number in asked_numbers), (number, commands)
        [*_, last] = [e for e in events["acme"] if isinstance(e, EnterpriseUpserted)]
        final = await replicas.ok(0, "GET", "/v1/tenants/acme/sms-settings")
        assert {f: getattr(last, f) for f in SETTINGS} == {f: final[f] for f in SETTINGS}
