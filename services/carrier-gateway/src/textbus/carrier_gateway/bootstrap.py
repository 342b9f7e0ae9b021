"""The composition root: builds the carrier gateway from its parts."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

import aiohttp
from pydantic import SecretStr

from textbus.carrier_gateway.adapters.carriers.registry import carriers as all_carriers
from textbus.carrier_gateway.adapters.indexes import INDEXES
from textbus.carrier_gateway.adapters.messages import MongoMessages
from textbus.carrier_gateway.adapters.profiles import MongoProfiles
from textbus.carrier_gateway.adapters.read_models import MongoConsent, MongoReadModels
from textbus.carrier_gateway.adapters.vault import Vault
from textbus.carrier_gateway.config import GatewaySettings
from textbus.carrier_gateway.entrypoints.http.messages import register_message_routes
from textbus.carrier_gateway.entrypoints.http.problems import register_problems
from textbus.carrier_gateway.entrypoints.http.profiles import register_profile_routes
from textbus.carrier_gateway.entrypoints.http.webhooks import register_webhook_routes
from textbus.carrier_gateway.entrypoints.kafka import Ownership, register_handlers
from textbus.carrier_gateway.service.callbacks import MESSAGE_PARAMETER, Callbacks, apply_receipt
from textbus.carrier_gateway.service.carriers import CarrierAdapter
from textbus.carrier_gateway.service.desk import Desk, DeskSettings
from textbus.carrier_gateway.service.model import Profile
from textbus.carrier_gateway.service.profiles import (
    CarrierProfiles,
    ChangeProfile,
    CheckCredentials,
    CreateProfile,
    DeleteProfile,
    ReEncryptCredentials,
)
from textbus.carrier_gateway.service.sending import REQUESTS, Sending, SendingSettings
from textbus.contracts import Envelope
from textbus.contracts.assignments.v1 import EnterpriseUpserted, GroupDeleted, GroupUpserted
from textbus.contracts.directory.v1 import ProjectPublished
from textbus.contracts.numbers.v1 import NumberEvent
from textbus.kit.bus import MessageBus
from textbus.kit.clock import Clock, utc_now
from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings


def bootstrap(
    settings: ServiceSettings | None = None,
    clock: Clock = utc_now,
    gateway: GatewaySettings | None = None,
    carriers: Mapping[str, CarrierAdapter] | None = None,
) -> Service:
    service = Service.create(
        settings or service_settings("carrier-gateway", 8083), title="textbus carrier gateway", clock=clock
    )
    gateway = gateway or GatewaySettings()
    adapters = dict(carriers) if carriers is not None else all_carriers(gateway.sandbox_delivery_seconds)
    db, outbox = service.db, service.outbox
    read_models = MongoReadModels(db)
    vault = Vault(gateway.credential_keys)
    profiles = MongoProfiles(db, vault, adapters, outbox)
    messages = MongoMessages(db, outbox)
    http_settings = service.settings.http
    public = (gateway.public_url or f"http://{http_settings.host}:{http_settings.port}").rstrip("/")

    def http() -> aiohttp.ClientSession:
        return service.outbound.session

    def webhook_url(profile: Profile) -> str:
        url = f"{public}/v1/carriers/{quote(profile.profile_id, safe='')}/webhook"
        secret = getattr(profile.credentials, "webhook_secret", None)
        return f"{url}/s/{secret.get_secret_value()}" if isinstance(secret, SecretStr) else url

    def callback_url(profile: Profile, message_id: str) -> str:
        return f"{webhook_url(profile)}?{MESSAGE_PARAMETER}={quote(message_id, safe='')}"

    desk = Desk(
        messages,
        profiles,
        adapters,
        http,
        callback_url,
        service.clock,
        DeskSettings(
            submit_concurrency=gateway.submit_concurrency,
            submit_attempts=gateway.submit_attempts,
            first_retry_seconds=gateway.first_retry_seconds,
            max_retry_seconds=gateway.max_retry_seconds,
            profile_segments_per_second=gateway.profile_segments_per_second,
        ),
    )
    sending = Sending(
        read_models,
        MongoConsent(db),
        profiles,
        messages,
        adapters,
        desk,
        service.messaging.publish,
        service.clock,
        SendingSettings(validity_seconds=gateway.validity_seconds, queue_hours=gateway.queue_hours),
    )
    callbacks = Callbacks(
        profiles, messages, adapters, service.messaging.publish, messages.by_carrier_id, service.clock
    )
    carrier_profiles = CarrierProfiles(
        profiles, read_models, adapters, http, webhook_url, gateway.profile_segments_per_second, service.clock
    )

    bus = MessageBus()
    bus.command(CreateProfile, carrier_profiles.create)
    bus.command(ChangeProfile, carrier_profiles.change)
    bus.command(DeleteProfile, carrier_profiles.delete)
    bus.command(CheckCredentials, carrier_profiles.check)
    bus.command(ReEncryptCredentials, carrier_profiles.re_encrypt)
    bus.event(NumberEvent, read_models.on_number_event)
    bus.event(EnterpriseUpserted, read_models.on_enterprise)
    bus.event(GroupUpserted, read_models.on_group)
    bus.event(GroupDeleted, read_models.on_group)
    bus.event(ProjectPublished, read_models.on_project)

    # Every /v1/tenants/{tenant} route answers 404 for an enterprise the provider has not created.
    service.api.tenant_exists = read_models.enterprise_exists
    register_problems(service.api)
    register_profile_routes(service.api, carrier_profiles, bus)
    register_message_routes(service.api, sending)
    register_webhook_routes(service.api, callbacks, public, service.clock, service.registry)

    async def take_receipt(envelope: Envelope) -> None:
        await apply_receipt(desk, messages, envelope)

    register_handlers(
        service.messaging,
        bus,
        sending.take,
        take_receipt,
        Ownership(service.settings.topic_name(REQUESTS.name), desk.assigned, desk.revoked),
        gateway.intake_batch_size,
    )
    service.indexes = INDEXES

    async def require_key() -> None:
        vault.require()

    service.on_start.append(require_key)
    service.background.append(desk.run)
    return service
