"""Use cases for carrier profiles (seed 001): the provider creates, changes, checks and deletes a
tenant's profiles; an enterprise that manages its own numbers may read its own. Credentials are
validated against the carrier kind's model, sealed at rest, and never shown: a view names the
fields that are set."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from textbus.carrier_gateway.service.carriers import CarrierAdapter, CarrierRefused, Credentials
from textbus.carrier_gateway.service.errors import (
    CarrierUnreachable,
    CredentialsRefused,
    NotAllowed,
    ProfileInvalid,
    ProfileNotFound,
)
from textbus.carrier_gateway.service.model import Profile, revealed
from textbus.carrier_gateway.service.ports import Event, Profiles, ProfileSearch, ReadModels, VersionConflict
from textbus.contracts import Envelope, topic
from textbus.contracts.carriers.v1 import CarrierProfileDeleted, CarrierProfileUpserted
from textbus.kit.bus import Command
from textbus.kit.clock import Clock
from textbus.kit.outbound import RetryLater

CARRIERS_EVENTS = topic("carriers.events.v1")


class ProfileView(BaseModel):
    """A profile as an admin sees it: everything but the credentials' values."""

    model_config = ConfigDict(frozen=True)

    profile_id: str
    name: str
    carrier: str
    api_url: str
    credentials_set: list[str]
    webhook_url: str
    number_rates: dict[str, float]
    segments_per_second: float
    mms_limits: dict[str, dict[str, Any]]
    created_at: datetime
    updated_at: datetime


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile_id: str
    ok: bool
    detail: str


class ReEncrypted(BaseModel):
    model_config = ConfigDict(frozen=True)

    profiles: int
    re_encrypted: int


@dataclass(frozen=True)
class CreateProfile(Command[ProfileView]):
    tenant: str
    is_provider: bool
    profile_id: str | None
    name: str
    carrier: str
    credentials: Mapping[str, Any]
    api_url: str | None
    number_rates: Mapping[str, float]
    segments_per_second: float | None
    mms_limits: Mapping[str, Mapping[str, Any]]
    requested_by: str


@dataclass(frozen=True)
class ChangeProfile(Command[ProfileView]):
    tenant: str
    is_provider: bool
    profile_id: str
    name: str | None
    credentials: Mapping[str, Any]  # the fields given replace the stored ones
    api_url: str | None
    number_rates: Mapping[str, float] | None
    segments_per_second: float | None
    mms_limits: Mapping[str, Mapping[str, Any]] | None


@dataclass(frozen=True)
class DeleteProfile(Command[None]):
    tenant: str
    is_provider: bool
    profile_id: str


@dataclass(frozen=True)
class CheckCredentials(Command[CheckResult]):
    tenant: str
    is_provider: bool
    profile_id: str


@dataclass(frozen=True)
class ReEncryptCredentials(Command[ReEncrypted]):
    is_provider: bool


WebhookUrl = Any  # Callable[[Profile], str]


class CarrierProfiles:
    def __init__(
        self,
        profiles: Profiles,
        read_models: ReadModels,
        carriers: Mapping[str, CarrierAdapter],
        http: Any,
        webhook_url: WebhookUrl,
        default_segments_per_second: float,
        clock: Clock,
    ) -> None:
        self.profiles = profiles
        self.read_models = read_models
        self.carriers = carriers
        self.http = http
        self.webhook_url = webhook_url
        self.default_segments_per_second = default_segments_per_second
        self.clock = clock

    def view(self, profile: Profile) -> ProfileView:
        return ProfileView(
            profile_id=profile.profile_id,
            name=profile.name,
            carrier=profile.carrier,
            api_url=profile.api_url,
            credentials_set=list(profile.credential_fields),
            webhook_url=self.webhook_url(profile),
            number_rates=profile.number_rates,
            segments_per_second=profile.segments_per_second,
            mms_limits=profile.mms_limits,
            created_at=profile.created_at,
            updated_at=profile.updated_at,
        )

    async def create(self, command: CreateProfile) -> ProfileView:
        _provider_only(command.is_provider)
        adapter = self._adapter(command.carrier)
        now = self.clock()
        profile = Profile(
            profile_id=command.profile_id or uuid.uuid4().hex,
            tenant=command.tenant,
            name=command.name,
            carrier=command.carrier,
            api_url=command.api_url or adapter.default_api_url,
            credentials=_credentials(adapter, dict(command.credentials)),
            number_rates=dict(command.number_rates),
            segments_per_second=command.segments_per_second or self.default_segments_per_second,
            mms_limits={k: dict(v) for k, v in command.mms_limits.items()},
            created_at=now,
            updated_at=now,
        )
        try:
            await self.profiles.save(profile, [_upserted(profile, now)])
        except VersionConflict:
            raise ProfileInvalid(f"a carrier profile {profile.profile_id!r} exists already") from None
        return self.view(profile)

    async def change(self, command: ChangeProfile) -> ProfileView:
        _provider_only(command.is_provider)
        profile = await self._profile(command.tenant, command.profile_id)
        adapter = self._adapter(profile.carrier)
        now = self.clock()
        credentials = profile.credentials
        if command.credentials:
            credentials = _credentials(adapter, {**revealed(credentials), **command.credentials})
        changed = replace(
            profile,
            name=command.name or profile.name,
            api_url=command.api_url or profile.api_url,
            credentials=credentials,
            number_rates=dict(command.number_rates)
            if command.number_rates is not None
            else profile.number_rates,
            segments_per_second=command.segments_per_second or profile.segments_per_second,
            mms_limits={k: dict(v) for k, v in command.mms_limits.items()}
            if command.mms_limits is not None
            else profile.mms_limits,
            updated_at=now,
            version=profile.version + 1,
        )
        await self.profiles.save(changed, [_upserted(changed, now)])
        return self.view(changed)

    async def delete(self, command: DeleteProfile) -> None:
        _provider_only(command.is_provider)
        profile = await self._profile(command.tenant, command.profile_id)
        envelope = Envelope.wrap(
            CarrierProfileDeleted(profile_id=profile.profile_id),
            source="carrier-gateway",
            subject=profile.profile_id,
            tenant=profile.tenant,
        )
        await self.profiles.delete(profile, [(CARRIERS_EVENTS, envelope)])

    async def check(self, command: CheckCredentials) -> CheckResult:
        """Ask the carrier whether the profile's credentials are good."""
        _provider_only(command.is_provider)
        profile = await self._profile(command.tenant, command.profile_id)
        adapter = self._adapter(profile.carrier)
        try:
            await adapter.check_credentials(self.http(), profile.api_url, profile.credentials)
        except CarrierRefused as refused:
            raise CredentialsRefused(
                f"the carrier refused the credentials: {refused.reason}", refused.code
            ) from None
        except RetryLater as later:
            raise CarrierUnreachable(f"the carrier could not be asked now: {later}") from None
        return CheckResult(
            profile_id=profile.profile_id, ok=True, detail="the carrier accepted the credentials"
        )

    async def re_encrypt(self, command: ReEncryptCredentials) -> ReEncrypted:
        """Seal every profile's credentials with the current key (after a key was put first)."""
        _provider_only(command.is_provider)
        total = done = 0
        async for profile_id in self.profiles.sealed_ids():
            total += 1
            done += await self.profiles.reseal(profile_id)
        return ReEncrypted(profiles=total, re_encrypted=done)

    async def readable(self, tenant: str, is_provider: bool) -> None:
        """Enterprise admins read their own profiles only when the enterprise manages its own numbers."""
        if not is_provider and not await self.read_models.manages_own_numbers(tenant):
            raise NotAllowed(
                "carrier profiles are the provider's unless the enterprise manages its own numbers"
            )

    async def find(
        self, tenant: str, is_provider: bool, search: ProfileSearch, skip: int, limit: int
    ) -> tuple[list[ProfileView], int]:
        await self.readable(tenant, is_provider)
        found, total = await self.profiles.find(tenant, search, skip, limit)
        return [self.view(p) for p in found], total

    async def get(self, tenant: str, is_provider: bool, profile_id: str) -> ProfileView:
        await self.readable(tenant, is_provider)
        return self.view(await self._profile(tenant, profile_id))

    async def _profile(self, tenant: str, profile_id: str) -> Profile:
        profile = await self.profiles.get(profile_id)
        if profile is None or profile.tenant != tenant:
            raise ProfileNotFound(f"no carrier profile {profile_id!r} in {tenant!r}")
        return profile

    def _adapter(self, carrier: str) -> CarrierAdapter:
        adapter = self.carriers.get(carrier)
        if adapter is None:
            raise ProfileInvalid(
                f"unknown carrier kind {carrier!r}: one of {', '.join(sorted(self.carriers))}"
            )
        return adapter


def _provider_only(is_provider: bool) -> None:
    if not is_provider:
        raise NotAllowed("only the provider manages carrier profiles")


def _credentials(adapter: CarrierAdapter, given: dict[str, Any]) -> Credentials:
    model = adapter.credentials
    # A carrier that authenticates callbacks by a secret in their URL gets one made for it.
    if "webhook_secret" in model.model_fields and not given.get("webhook_secret"):
        given["webhook_secret"] = secrets.token_urlsafe(24)
    try:
        return model.model_validate(given)
    except ValidationError as error:
        # Name the fields and what is wrong, never the values given.
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'credentials'}: {e['msg']}" for e in error.errors()
        )
        raise ProfileInvalid(f"{adapter.kind} credentials: {problems}") from None


def _upserted(profile: Profile, at: datetime) -> Event:
    payload = CarrierProfileUpserted(
        profile_id=profile.profile_id, name=profile.name, carrier=profile.carrier
    )
    return CARRIERS_EVENTS, Envelope.wrap(
        payload, source="carrier-gateway", subject=profile.profile_id, tenant=profile.tenant
    )
