"""The tier limit holds with two replicas of the numbers service, each owning some of the command
partitions: registrations of a tenant's numbers land on both at once, and only the limit's worth pass."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.partitioner import murmur2
from pymongo import AsyncMongoClient

from tests.e2e.conftest import Launcher
from tests.support import eventually, produce
from textbus.contracts import Envelope, topic
from textbus.contracts.assignments.v1 import EnterpriseUpserted
from textbus.kit.auth import Role, mint
from textbus.kit.settings import AuthSettings

pytestmark = pytest.mark.e2e

PROVIDER = {
    "Authorization": f"Bearer {mint(AuthSettings(), subject='ops', tenant='provider', role=Role.PROVIDER)}"
}
COMMANDS = topic("numbers.commands.v1")
LIMIT = 5
# Another tenant's inventory elsewhere on the platform: a check that counts a tenant's numbers scans
# it on FerretDB, long enough for both replicas to be counting at once.
ELSEWHERE = 2000
# Each tenant is one more chance for two registrations to pass the last free place at once.
TENANTS = {
    tenant: [f"+1{area}555{i:04d}" for i in range(20)]
    for tenant, area in (("acme", 415), ("globex", 212), ("initech", 312))
}


async def test_two_replicas_register_no_more_than_the_tier_limit(
    launch: Launcher, service_env: dict[str, str], isolation: str, mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    bootstrap = service_env["TEXTBUS_KAFKA_BOOTSTRAP_SERVERS"]
    limit = {"TEXTBUS_NUMBERS_TIER_LIMIT": str(LIMIT), "TEXTBUS_NUMBERS_COMMAND_TIMEOUT_SECONDS": "60"}
    async with (
        launch("numbers", **limit) as a,
        launch("numbers", **limit) as b,
        aiohttp.ClientSession() as http,
    ):
        owners = await eventually(
            lambda: _command_partitions_of_two_consumers(bootstrap, isolation), timeout=60
        )
        # Both replicas own some of each tenant's numbers: each applies some of its registrations.
        for numbers in TENANTS.values():
            partitions = {_partition(n) for n in numbers}
            assert all(owned & partitions for owned in owners), (owners, partitions)
        for tenant in TENANTS:
            await _given_enterprise(bootstrap, isolation, http, a, tenant)
        await _given_inventory_elsewhere(mongo[f"{isolation}_numbers"]["numbers"])

        async def call(url: str, tenant: str, path: str, **body: Any) -> tuple[int, Any]:
            async with http.post(f"{url}/v1/tenants/{tenant}{path}", headers=PROVIDER, **body) as answer:
                return answer.status, await answer.json()

        requests = [
            (tenant, n, url)
            for tenant, numbers in TENANTS.items()
            for n, url in zip(numbers, [a, b] * 10, strict=True)
        ]
        added = await asyncio.gather(
            *(
                call(
                    url,
                    tenant,
                    "/numbers",
                    json={"country_code": 1, "national_number": n[2:], "sms_capable": True},
                )
                for tenant, n, url in requests
            )
        )
        assert {status for status, _ in added} == {201}, added

        answers = await asyncio.gather(
            *(call(url, tenant, f"/numbers/{n}/registration") for tenant, n, url in requests)
        )

    stored = mongo[f"{isolation}_numbers"]["numbers"]
    for tenant in TENANTS:
        of_tenant = [answer for (t, _, _), answer in zip(requests, answers, strict=True) if t == tenant]
        registered = [view for status, view in of_tenant if status == 200]
        refused = [problem["code"] for status, problem in of_tenant if status != 200]
        assert (len(registered), refused) == (
            LIMIT,
            ["tier-limit-reached"] * (len(TENANTS[tenant]) - LIMIT),
        ), (
            tenant,
            of_tenant,
        )
        assert await stored.count_documents({"tenant": tenant, "registration": "registered"}) == LIMIT


def _partition(number: str) -> int:
    # Kafka's default partitioner for a keyed record, as the producer picks it.
    hashed: int = murmur2(number.encode())
    return (hashed & 0x7FFFFFFF) % COMMANDS.partitions


async def _command_partitions_of_two_consumers(bootstrap: str, isolation: str) -> list[set[int]] | None:
    """The command partitions each replica's consumer owns, once the group has settled on two."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_consumer_groups([f"{isolation}.numbers"])
    finally:
        await admin.close()
    [group] = described.to_object()["groups"]
    if group["state"] != "Stable":
        return None
    commands = f"{isolation}.{COMMANDS.name}"
    assignments = [
        ConsumerProtocolMemberAssignment.decode(member["member_assignment"]).assignment
        for member in group["members"]
        if member["member_assignment"]
    ]
    # Each replica has one consumer of the commands (its other topics have consumers of their own).
    owned = [{p for name, ps in assigned if name == commands for p in ps} for assigned in assignments]
    owned = [partitions for partitions in owned if partitions]
    return owned if len(owned) == 2 else None


async def _given_enterprise(
    bootstrap: str, isolation: str, http: aiohttp.ClientSession, url: str, tenant: str
) -> None:
    enterprise = EnterpriseUpserted(
        enterprise_id=tenant,
        name=tenant.title(),
        group_texting=True,
        secure_sms=False,
        connector_app="unified",
        manages_own_numbers=True,
    )
    envelope = Envelope.wrap(enterprise, source="assignments", subject=tenant, tenant=tenant)
    await produce(bootstrap, f"{isolation}.assignments.events.v1", envelope.to_json(), key=tenant.encode())

    async def known() -> bool:
        async with http.get(f"{url}/v1/tenants/{tenant}/numbers?limit=1", headers=PROVIDER) as answer:
            return answer.status == 200

    await eventually(known, timeout=60)


async def _given_inventory_elsewhere(numbers: Any) -> None:
    """Released numbers of a tenant of their own: nothing this test does reads or changes them."""
    at = datetime.now(UTC)
    await numbers.insert_many(
        [
            {
                "_id": f"+1999{i:07d}",
                "tenant": "elsewhere",
                "sms_capable": False,
                "carrier_profile_id": None,
                "assignee": None,
                "assignee_key": None,
                "registration": "unregistered",
                "lifecycle": "released",
                "created_at": at,
                "updated_at": at,
                "deleted": False,
            }
            for i in range(ELSEWHERE)
        ]
    )
