"""REST routes for enterprises and their SMS settings."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field

from textbus.assignments.domain.enterprises import (
    ENTERPRISE_ID_PATTERN,
    Enterprise,
    SmsSettings,
    SmsSettingsChange,
)
from textbus.assignments.entrypoints.http.common import TENANT, correlation_id
from textbus.assignments.service.assignees import require_enterprise
from textbus.assignments.service.commands import ChangeSmsSettings, CreateEnterprise
from textbus.assignments.service.ports import Ports
from textbus.kit.bus import MessageBus
from textbus.kit.http import Api, Page, PageQuery, RequestModel, principal, tenant_of

TAGS = ("enterprises",)


# Its own model: the stored SmsSettings stay tolerant of fields old documents may carry.
class SettingsBody(RequestModel, SmsSettings):
    """The SMS settings an enterprise starts with; a misspelled setting is refused, not left off."""


class EnterpriseBody(RequestModel):
    enterprise_id: str = Field(pattern=ENTERPRISE_ID_PATTERN, description="The tenant id tokens carry.")
    name: str = Field(min_length=1, max_length=200)
    settings: SettingsBody = Field(default_factory=SettingsBody)


def register_enterprise_routes(api: Api, ports: Ports, bus: MessageBus) -> None:
    @api.post(
        "/v1/enterprises",
        summary="Create an enterprise (provider only)",
        body=EnterpriseBody,
        response=Enterprise,
        status=201,
        tags=TAGS,
        responses={409: "The enterprise exists already"},
    )
    async def create_enterprise(request: web.Request, body: EnterpriseBody) -> Enterprise:
        principal(request).require_provider()
        return await bus.handle(
            CreateEnterprise(
                enterprise_id=body.enterprise_id,
                name=body.name,
                settings=SmsSettings.model_validate(body.settings.model_dump()),
                correlation_id=correlation_id(request),
            )
        )

    @api.get(
        "/v1/enterprises",
        summary="The enterprises (provider only)",
        query=PageQuery,
        response=Page[Enterprise],
        tags=TAGS,
    )
    async def list_enterprises(request: web.Request, page: PageQuery) -> Page[Enterprise]:
        principal(request).require_provider()
        items, total = await ports.enterprises.list(skip=page.skip, limit=page.limit)
        return Page[Enterprise](items=items, total=total, skip=page.skip, limit=page.limit)

    @api.get(
        f"{TENANT}/enterprise",
        summary="The caller's enterprise and its SMS settings",
        response=Enterprise,
        tags=TAGS,
    )
    async def get_enterprise(request: web.Request) -> Enterprise:
        return await require_enterprise(ports, tenant_of(request))

    @api.get(
        f"{TENANT}/sms-settings",
        summary="The enterprise's SMS settings (read-only for enterprise admins)",
        response=SmsSettings,
        tags=TAGS,
    )
    async def get_sms_settings(request: web.Request) -> SmsSettings:
        return (await require_enterprise(ports, tenant_of(request))).settings

    @api.patch(
        f"{TENANT}/sms-settings",
        summary="Change SMS settings (provider only); fields left out keep their value",
        body=SmsSettingsChange,
        response=SmsSettings,
        tags=TAGS,
        responses={409: "Changed by another request meanwhile"},
    )
    async def change_sms_settings(request: web.Request, body: SmsSettingsChange) -> SmsSettings:
        tenant = tenant_of(request)
        principal(request).require_provider()
        enterprise = await bus.handle(
            ChangeSmsSettings(enterprise_id=tenant, change=body, correlation_id=correlation_id(request))
        )
        return enterprise.settings
