"""What the gateway knows of other services, kept from their events (each document has one
writer: the consumer of the topic partition its key is on)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from textbus.carrier_gateway.service.ports import NumberFacts
from textbus.contracts import Envelope
from textbus.contracts.assignments.v1 import EnterpriseUpserted, GroupDeleted, GroupUpserted
from textbus.contracts.directory.v1 import ProjectPublished
from textbus.contracts.numbers.v1 import NumberDeleted, NumberEvent

Document = dict[str, Any]
NUMBERS, ENTERPRISES, GROUPS, PROJECTS = "numbers", "enterprises", "groups", "projects"


class MongoReadModels:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.numbers = db[NUMBERS]
        self.enterprises = db[ENTERPRISES]
        self.groups = db[GROUPS]
        self.projects = db[PROJECTS]

    # --- kept from events ---------------------------------------------------------------------
    async def on_number_event(self, envelope: Envelope) -> None:
        event = envelope.data
        assert isinstance(event, NumberEvent)
        state = event.state
        if isinstance(event, NumberDeleted):
            await self.numbers.delete_one({"_id": state.number})
            return
        await self.numbers.replace_one(
            {"_id": state.number},
            {
                "_id": state.number,
                "tenant": envelope.tenant,
                "sms_capable": state.sms_capable,
                "active": state.lifecycle == "active",
                "carrier_profile_id": state.carrier_profile_id,
                "assignee_kind": state.assignee.kind if state.assignee else None,
                "assignee_id": state.assignee.id if state.assignee else None,
            },
            upsert=True,
        )

    async def on_enterprise(self, envelope: Envelope) -> None:
        event = envelope.data
        assert isinstance(event, EnterpriseUpserted)
        await self.enterprises.replace_one(
            {"_id": event.enterprise_id},
            {
                "_id": event.enterprise_id,
                "group_texting": event.group_texting,
                "manages_own_numbers": event.manages_own_numbers,
            },
            upsert=True,
        )

    async def on_group(self, envelope: Envelope) -> None:
        event = envelope.data
        assert isinstance(event, GroupUpserted | GroupDeleted)
        key = f"{envelope.tenant}/{event.group_id}"
        if isinstance(event, GroupDeleted):
            await self.groups.delete_one({"_id": key})
            return
        await self.groups.replace_one(
            {"_id": key},
            {
                "_id": key,
                "tenant": envelope.tenant,
                "group_id": event.group_id,
                "members": event.member_user_ids,
            },
            upsert=True,
        )

    async def on_project(self, envelope: Envelope) -> None:
        event = envelope.data
        assert isinstance(event, ProjectPublished)
        key = f"{envelope.tenant}/{event.project_id}"
        # An archived project's numbers are dropped from it (seed 004): they become org numbers.
        await self.projects.replace_one(
            {"_id": key},
            {
                "_id": key,
                "tenant": envelope.tenant,
                "project_id": event.project_id,
                "numbers": [] if event.archived else event.numbers,
            },
            upsert=True,
        )

    # --- read by the plan ---------------------------------------------------------------------
    async def number(self, number: str) -> NumberFacts | None:
        document = await self.numbers.find_one({"_id": number})
        if document is None:
            return None
        return NumberFacts(
            number=document["_id"],
            tenant=document["tenant"],
            sms_capable=document["sms_capable"],
            active=document["active"],
            carrier_profile_id=document["carrier_profile_id"],
            assignee_kind=document["assignee_kind"],
            assignee_id=document["assignee_id"],
        )

    async def group_texting(self, tenant: str) -> bool:
        document = await self.enterprises.find_one({"_id": tenant})
        return bool(document and document["group_texting"])

    async def manages_own_numbers(self, tenant: str) -> bool:
        document = await self.enterprises.find_one({"_id": tenant})
        return bool(document and document["manages_own_numbers"])

    async def enterprise_exists(self, tenant: str) -> bool:
        return await self.enterprises.find_one({"_id": tenant}, {"_id": 1}) is not None

    async def groups_of(self, tenant: str, user_id: str) -> frozenset[str]:
        cursor = self.groups.find({"tenant": tenant, "members": user_id}, {"group_id": 1})
        return frozenset([d["group_id"] async for d in cursor])

    async def project_of(self, tenant: str, number: str) -> str | None:
        document = await self.projects.find_one({"tenant": tenant, "numbers": number}, {"project_id": 1})
        return document["project_id"] if document else None

    async def on_platform(self, numbers: Collection[str]) -> frozenset[str]:
        # At most ten recipients: one _id look-up each (FerretDB serves an _id equality from its
        # index but scans the collection for an $in), the same cost on MongoDB.
        found = await asyncio.gather(*(self.numbers.find_one({"_id": n}, {"_id": 1}) for n in numbers))
        return frozenset(d["_id"] for d in found if d)


class MongoConsent:
    """The opt-out ledger's read side; #12 (inbound) writes it from STOP/START texts. ``_id`` is
    tenant/recipient, so a look-up is by ``_id``."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["consent"]

    async def opted_out(self, tenant: str, recipients: Collection[str]) -> frozenset[str]:
        # One _id look-up per recipient (at most ten), as on_platform.
        found = await asyncio.gather(
            *(
                self.collection.find_one({"_id": f"{tenant}/{r}"}, {"recipient": 1, "state": 1})
                for r in recipients
            )
        )
        return frozenset(d["recipient"] for d in found if d and d["state"] == "opted-out")

    async def record(self, tenant: str, recipient: str, state: str) -> None:
        """Until the inbound issue's ledger: what an admin or a test records."""
        await self.collection.replace_one(
            {"_id": f"{tenant}/{recipient}"},
            {"_id": f"{tenant}/{recipient}", "tenant": tenant, "recipient": recipient, "state": state},
            upsert=True,
        )
