"""Carrier profiles in MongoDB, credentials sealed by the vault: a document holds the token, the
names of the fields that are set, and nothing in clear. Only the provider writes a profile (REST),
one request at a time per profile in practice; each write is a whole-document replace."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from textbus.carrier_gateway.adapters.vault import Vault
from textbus.carrier_gateway.service.carriers import CarrierAdapter
from textbus.carrier_gateway.service.model import Profile
from textbus.carrier_gateway.service.ports import Event, ProfileSearch, VersionConflict
from textbus.kit.mongo_search import all_of, any_of, contains, find_page
from textbus.kit.outbox import Outbox, outbox_entries

Document = dict[str, Any]
PROFILES = "carrier_profiles"


class MongoProfiles:
    def __init__(
        self,
        db: AsyncDatabase[Document],
        vault: Vault,
        carriers: Mapping[str, CarrierAdapter],
        outbox: Outbox,
    ) -> None:
        self.collection = db[PROFILES]
        self.vault = vault
        self.carriers = carriers
        self.outbox = outbox
        outbox.watch(self.collection)

    async def get(self, profile_id: str) -> Profile | None:
        document = await self.collection.find_one({"_id": profile_id}, {"_outbox": 0})
        return self._profile(document) if document and not document["deleted"] else None

    async def find(
        self, tenant: str, search: ProfileSearch, skip: int, limit: int
    ) -> tuple[list[Profile], int]:
        query = all_of(
            {"tenant": tenant, "deleted": False},
            any_of({"name": contains(search.q)}, {"carrier": contains(search.q)}) if search.q else None,
            {"name": contains(search.name)} if search.name else None,
            {"carrier": contains(search.carrier)} if search.carrier else None,
        )
        documents, total = await find_page(
            self.collection,
            query,
            [("name_key", 1), ("_id", 1)],
            skip=skip,
            limit=limit,
            projection={"_outbox": 0},
        )
        return [self._profile(d) for d in documents], total

    async def save(self, profile: Profile, events: Sequence[Event]) -> None:
        document = {**self._document(profile), "_outbox": outbox_entries(events)}
        if profile.version == 1:
            try:
                await self.collection.insert_one(document)
            except DuplicateKeyError:
                raise VersionConflict(profile.profile_id) from None
        else:
            found = await self.collection.replace_one(
                {"_id": profile.profile_id, "version": profile.version - 1}, document
            )
            if not found.matched_count:
                raise VersionConflict(profile.profile_id)
        await self.outbox.deliver(self.collection, profile.profile_id, events)

    async def delete(self, profile: Profile, events: Sequence[Event]) -> None:
        # A tombstone without the credentials: the id is never reused for another tenant's profile.
        await self.collection.replace_one(
            {"_id": profile.profile_id},
            {
                "_id": profile.profile_id,
                "tenant": profile.tenant,
                "deleted": True,
                "version": profile.version + 1,
                "_outbox": outbox_entries(events),
            },
        )
        await self.outbox.deliver(self.collection, profile.profile_id, events)

    async def sealed_ids(self) -> AsyncIterator[str]:
        async for document in self.collection.find({"deleted": False}, {"_id": 1}):
            yield document["_id"]

    async def reseal(self, profile_id: str) -> bool:
        """Seal the profile's credentials with the current key; False if they already were."""
        document = await self.collection.find_one({"_id": profile_id}, {"sealed": 1})
        if not document or "sealed" not in document:
            return False
        resealed = self.vault.rotate(document["sealed"])
        if resealed is None:
            return False
        await self.collection.update_one({"_id": profile_id}, {"$set": {"sealed": resealed}})
        return True

    def _document(self, profile: Profile) -> Document:
        return {
            "_id": profile.profile_id,
            "tenant": profile.tenant,
            "name": profile.name,
            "name_key": profile.name.casefold(),
            "carrier": profile.carrier,
            "api_url": profile.api_url,
            "sealed": self.vault.seal(profile.credentials),
            "credential_fields": list(profile.credential_fields),
            "number_rates": profile.number_rates,
            "segments_per_second": profile.segments_per_second,
            "mms_limits": profile.mms_limits,
            "created_at": profile.created_at,
            "updated_at": profile.updated_at,
            "version": profile.version,
            "deleted": False,
        }

    def _profile(self, document: Document) -> Profile:
        adapter = self.carriers[document["carrier"]]
        return Profile(
            profile_id=document["_id"],
            tenant=document["tenant"],
            name=document["name"],
            carrier=document["carrier"],
            api_url=document["api_url"],
            credentials=self.vault.open(document["sealed"], adapter.credentials),
            number_rates=document["number_rates"],
            segments_per_second=document["segments_per_second"],
            mms_limits=document["mms_limits"],
            created_at=document["created_at"],
            updated_at=document["updated_at"],
            version=document["version"],
        )
