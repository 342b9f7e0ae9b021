"""What the numbers service knows of other services' records, learned from their events.

Assignees (users and groups) decide who a number may be assigned to and what
the service chip says; enterprise settings decide who may manage numbers;
carrier profiles decide whether a number's profile exists. Each document
remembers the envelopes applied to it, so a redelivered event changes nothing.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from textbus.contracts import Envelope
from textbus.contracts.assignments.v1 import (
    EnterpriseUpserted,
    GroupDeleted,
    GroupUpserted,
    UserUpserted,
)
from textbus.contracts.carriers.v1 import CarrierProfileDeleted, CarrierProfileUpserted
from textbus.kit.mongo import apply_once


def assignee_id(tenant: str, kind: str, id_: str) -> str:
    return f"{tenant}/{kind}/{id_}"


class ReadModels:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.assignees = db["assignees"]
        self.enterprises = db["enterprises"]
        self.carrier_profiles = db["carrier_profiles"]

    async def apply(self, envelope: Envelope) -> bool:
        """Apply one event from another service; False when it was applied before or is not ours."""
        tenant, data, at = envelope.tenant, envelope.data, envelope.time
        match data:
            case UserUpserted():
                return await apply_once(
                    self.assignees,
                    assignee_id(tenant, "user", data.user_id),
                    envelope.id,
                    {
                        "$set": {
                            "tenant": tenant,
                            "kind": "user",
                            "id": data.user_id,
                            "name": data.display_name,
                            "enabled": data.enabled,
                            "exists": True,
                            "updated_at": at,
                        }
                    },
                )
            case GroupUpserted():
                return await apply_once(
                    self.assignees,
                    assignee_id(tenant, "group", data.group_id),
                    envelope.id,
                    {
                        "$set": {
                            "tenant": tenant,
                            "kind": "group",
                            "id": data.group_id,
                            "name": data.name,
                            "enabled": True,
                            "exists": True,
                            "updated_at": at,
                        }
                    },
                )
            case GroupDeleted():
                return await apply_once(
                    self.assignees,
                    assignee_id(tenant, "group", data.group_id),
                    envelope.id,
                    {
                        "$set": {
                            "tenant": tenant,
                            "kind": "group",
                            "id": data.group_id,
                            "exists": False,
                            "updated_at": at,
                        }
                    },
                )
            case EnterpriseUpserted():
                return await apply_once(
                    self.enterprises,
                    data.enterprise_id,
                    envelope.id,
                    {
                        "$set": {
                            "manages_own_numbers": data.manages_own_numbers,
                            "name": data.name,
                            "updated_at": at,
                        }
                    },
                )
            case CarrierProfileUpserted():
                return await apply_once(
                    self.carrier_profiles,
                    f"{tenant}/{data.profile_id}",
                    envelope.id,
                    {
                        "$set": {
                            "tenant": tenant,
                            "profile_id": data.profile_id,
                            "name": data.name,
                            "carrier": data.carrier,
                            "exists": True,
                            "updated_at": at,
                        }
                    },
                )
            case CarrierProfileDeleted():
                return await apply_once(
                    self.carrier_profiles,
                    f"{tenant}/{data.profile_id}",
                    envelope.id,
                    {
                        "$set": {
                            "tenant": tenant,
                            "profile_id": data.profile_id,
                            "exists": False,
                            "updated_at": at,
                        }
                    },
                )
        return False
