"""The tier limit's slots over the real database and the numbers service over real Kafka."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from tests.support import eventually
from tests.unit.numbers.fakes import number_record
from textbus.contracts import Envelope, topic
from textbus.contracts.numbers.v1 import DeleteNumber, NumberCommand, RegisterNumber
from textbus.devinfra.processes import Endpoints
from textbus.kit.service import running
from textbus.kit.settings import ServiceSettings
from textbus.numbers.adapters.numbers_store import to_document
from textbus.numbers.adapters.registration_slots import MongoRegistrationSlots
from textbus.numbers.bootstrap import bootstrap
from textbus.numbers.config import NumbersSettings
from textbus.numbers.domain.numbers import Registration
from textbus.numbers.service.registration import claim_tier_slot

pytestmark = pytest.mark.integration

COMMANDS = topic("numbers.commands.v1")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def test_claims_from_two_clients_at_once_never_hold_more_slots_than_the_limit(
    infrastructure: Endpoints, isolation: str
) -> None:
    """Two connection pools, as two replicas have: every claim reads the same free slots and
    inserts the same lowest one; the database lets one insert of an id succeed."""
    clients = [AsyncMongoClient[dict[str, Any]](infrastructure.mongo_url, tz_aware=True) for _ in range(2)]
    replicas = [MongoRegistrationSlots(client[f"{isolation}_numbers"]) for client in clients]
    numbers = [f"+1415555{i:04d}" for i in range(20)]
    try:
        claimed = await asyncio.gather(
            *(claim_tier_slot(replicas[i % 2], "acme", n, 5, NOW) for i, n in enumerate(numbers))
        )
        held = await replicas[0].held("acme")
    finally:
        for client in clients:
            await client.close()

    assert sorted(held) == ["acme/0", "acme/1", "acme/2", "acme/3", "acme/4"]
    assert sorted(held.values()) == sorted(n for n, won in zip(numbers, claimed, strict=True) if won)


async def test_a_database_from_before_the_slots_keeps_its_limit_and_a_deletion_frees_a_place(
    settings_for: Callable[[str], ServiceSettings], mongo: AsyncMongoClient[dict[str, Any]]
) -> None:
    settings = settings_for("numbers")
    db = mongo[settings.database_name]
    registered = [f"+1415555010{i}" for i in range(3)]
    unregistered = [f"+1415555020{i}" for i in range(3)]
    await db["numbers"].insert_many(
        [_document(n, "registered") for n in registered]
        + [_document(n, "unregistered") for n in unregistered]
        # Deleted while registered: it counts no more.
        + [{**_document("+14155550900", "registered"), "deleted": True}]
    )

    async with running(bootstrap(settings, NumbersSettings(tier_limit=4))) as live:
        slots = await db["registration_slots"].find({}).to_list()
        assert sorted((s["_id"], s["number"]) for s in slots) == [
            ("acme/0", registered[0]),
            ("acme/1", registered[1]),
            ("acme/2", registered[2]),
        ]

        async def send(command: NumberCommand) -> dict[str, Any]:
            envelope = Envelope.wrap(command, source="test", subject=command.number, tenant="acme")
            await live.service.messaging.publish(COMMANDS, envelope)
            outcome: dict[str, Any] = await eventually(
                lambda: db["outcomes"].find_one({"_id": str(envelope.id)}), timeout=60
            )
            return outcome

        outcomes = await asyncio.gather(
            *(send(RegisterNumber(number=n, requested_by="t")) for n in unregistered)
        )
        assert sorted((o["status"], o["code"]) for o in outcomes) == [
            ("applied", None),
            ("rejected", "tier-limit-reached"),
            ("rejected", "tier-limit-reached"),
        ]
        late = next(o["number"] for o in outcomes if o["status"] == "rejected")

        deleted = await send(DeleteNumber(number=registered[0], requested_by="t"))
        again = await send(RegisterNumber(number=late, requested_by="t"))

    assert (deleted["status"], again["status"]) == ("applied", "applied"), (deleted, again)
    held = {s["_id"]: s["number"] async for s in db["registration_slots"].find({})}
    assert held["acme/0"] == late and len(held) == 4
    assert await db["numbers"].count_documents({"registration": "registered", "deleted": False}) == 4


def _document(number: str, registration: Registration) -> dict[str, Any]:
    # Added now: the service's inactivity sweeper would release a number idle for months.
    now = datetime.now(UTC)
    record = number_record(number, registration=registration, created_at=now, updated_at=now)
    return {"_id": number, **to_document(record)}
