"""REST routes for carrier profiles and the credentials' keys."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import Field

from textbus.carrier_gateway.service.ports import ProfileSearch
from textbus.carrier_gateway.service.profiles import (
    CarrierProfiles,
    ChangeProfile,
    CheckCredentials,
    CheckResult,
    CreateProfile,
    DeleteProfile,
    ProfileView,
    ReEncryptCredentials,
    ReEncrypted,
)
from textbus.contracts.common import Id
from textbus.kit.bus import MessageBus
from textbus.kit.http import Api, Page, PageQuery, RequestModel, principal, tenant_of

TAGS = ("carrier profiles",)
PROFILES = "/v1/tenants/{tenant}/carrier-profiles"
PROFILE = PROFILES + "/{profile_id}"
NUMBER_TYPES = ("long-code", "toll-free", "short-code")


class NumberRates(RequestModel):
    """Segments per second each sending number of a type may use (defaults 1, 3 and 100)."""

    long_code: float | None = Field(default=None, gt=0, le=1000, alias="long-code")
    toll_free: float | None = Field(default=None, gt=0, le=1000, alias="toll-free")
    short_code: float | None = Field(default=None, gt=0, le=10_000, alias="short-code")

    def as_dict(self) -> dict[str, float]:
        return {k: v for k, v in self.model_dump(by_alias=True).items() if v is not None}


class MmsLimits(RequestModel):
    max_total_bytes: int = Field(gt=0, le=100_000_000)
    max_file_bytes: int | None = Field(default=None, gt=0, le=100_000_000)
    max_count: int = Field(default=10, ge=0, le=10)
    content_types: list[str] = Field(default_factory=lambda: ["image/jpeg", "image/gif"], max_length=50)


class MmsLimitsByType(RequestModel):
    long_code: MmsLimits | None = Field(default=None, alias="long-code")
    toll_free: MmsLimits | None = Field(default=None, alias="toll-free")
    short_code: MmsLimits | None = Field(default=None, alias="short-code")

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {
            name: limits.model_dump()
            for name, limits in (
                ("long-code", self.long_code),
                ("toll-free", self.toll_free),
                ("short-code", self.short_code),
            )
            if limits is not None
        }


Credentials = dict[str, str | None]


class ProfileBody(RequestModel):
    profile_id: Id | None = Field(default=None, description="Chosen by the provider, else made up.")
    name: str = Field(min_length=1, max_length=100)
    carrier: str = Field(
        min_length=1,
        max_length=40,
        description="twilio, telnyx, bandwidth, vonage, netsapiens, voipms or sandbox.",
    )
    credentials: Credentials = Field(default_factory=dict, max_length=20)
    api_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")
    number_rates: NumberRates | None = None
    segments_per_second: float | None = Field(default=None, gt=0, le=100_000)
    mms_limits: MmsLimitsByType | None = None


class ProfilePatch(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    credentials: Credentials = Field(default_factory=dict, max_length=20)
    api_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")
    number_rates: NumberRates | None = None
    segments_per_second: float | None = Field(default=None, gt=0, le=100_000)
    mms_limits: MmsLimitsByType | None = None


class ProfileQuery(PageQuery):
    q: str | None = Field(default=None, max_length=100, description="In the profile's name or carrier.")
    name: str | None = Field(default=None, max_length=100)
    carrier: str | None = Field(default=None, max_length=40)


def register_profile_routes(api: Api, profiles: CarrierProfiles, bus: MessageBus) -> None:
    @api.post(
        PROFILES,
        summary="Create a carrier profile (provider)",
        body=ProfileBody,
        response=ProfileView,
        status=201,
        tags=TAGS,
    )
    async def create_profile(request: web.Request, body: ProfileBody) -> ProfileView:
        who = principal(request)
        return await bus.handle(
            CreateProfile(
                tenant=tenant_of(request),
                is_provider=who.is_provider,
                profile_id=body.profile_id,
                name=body.name,
                carrier=body.carrier,
                credentials=body.credentials,
                api_url=body.api_url,
                number_rates=body.number_rates.as_dict() if body.number_rates else {},
                segments_per_second=body.segments_per_second,
                mms_limits=body.mms_limits.as_dict() if body.mms_limits else {},
                requested_by=who.subject,
            )
        )

    @api.get(
        PROFILES,
        summary="Find carrier profiles: quick search, filters and a page",
        query=ProfileQuery,
        response=Page[ProfileView],
        tags=TAGS,
    )
    async def find_profiles(request: web.Request, query: ProfileQuery) -> Page[ProfileView]:
        items, total = await profiles.find(
            tenant_of(request),
            principal(request).is_provider,
            ProfileSearch(q=query.q, name=query.name, carrier=query.carrier),
            query.skip,
            query.limit,
        )
        return Page[ProfileView](items=items, total=total, skip=query.skip, limit=query.limit)

    @api.get(
        PROFILE,
        summary="Read a carrier profile (which credentials are set, never their values)",
        response=ProfileView,
        tags=TAGS,
    )
    async def get_profile(request: web.Request) -> ProfileView:
        return await profiles.get(
            tenant_of(request), principal(request).is_provider, request.match_info["profile_id"]
        )

    @api.patch(
        PROFILE,
        summary="Change a carrier profile (provider); given credential fields replace stored ones",
        body=ProfilePatch,
        response=ProfileView,
        tags=TAGS,
    )
    async def change_profile(request: web.Request, body: ProfilePatch) -> ProfileView:
        return await bus.handle(
            ChangeProfile(
                tenant=tenant_of(request),
                is_provider=principal(request).is_provider,
                profile_id=request.match_info["profile_id"],
                name=body.name,
                credentials=body.credentials,
                api_url=body.api_url,
                number_rates=body.number_rates.as_dict() if body.number_rates else None,
                segments_per_second=body.segments_per_second,
                mms_limits=body.mms_limits.as_dict() if body.mms_limits else None,
            )
        )

    @api.delete(PROFILE, summary="Delete a carrier profile (provider)", status=204, tags=TAGS)
    async def delete_profile(request: web.Request) -> web.Response:
        await bus.handle(
            DeleteProfile(
                tenant_of(request), principal(request).is_provider, request.match_info["profile_id"]
            )
        )
        return web.Response(status=204)

    @api.post(
        PROFILE + "/check",
        summary="Ask the carrier whether the profile's credentials are good",
        response=CheckResult,
        tags=TAGS,
    )
    async def check_credentials(request: web.Request) -> CheckResult:
        return await bus.handle(
            CheckCredentials(
                tenant_of(request), principal(request).is_provider, request.match_info["profile_id"]
            )
        )

    @api.post(
        "/v1/carrier-credentials/re-encrypt",
        summary="Seal every profile's credentials with the first configured key (provider)",
        response=ReEncrypted,
        tags=TAGS,
    )
    async def re_encrypt_credentials(request: web.Request) -> ReEncrypted:
        return await bus.handle(ReEncryptCredentials(principal(request).is_provider))
