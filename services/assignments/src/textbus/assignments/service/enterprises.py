"""Use cases for enterprises and their SMS settings (the provider's to change)."""

from __future__ import annotations

from textbus.assignments.domain.enterprises import Enterprise, SmsSettings, SmsSettingsChange
from textbus.assignments.service.assignees import attempts, require_enterprise
from textbus.assignments.service.errors import ConcurrentChange, EnterpriseExists
from textbus.assignments.service.ports import Ports, VersionConflict


async def create_enterprise(
    ports: Ports,
    *,
    enterprise_id: str,
    name: str,
    settings: SmsSettings,
    correlation_id: str | None = None,
) -> Enterprise:
    """Create a tenant; its SMS settings start as given (defaults: everything off, unified app)."""
    now = ports.clock()
    enterprise = Enterprise(
        enterprise_id=enterprise_id, name=name, settings=settings, created_at=now, updated_at=now
    )
    if not await ports.enterprises.create(enterprise, correlation_id=correlation_id):
        raise EnterpriseExists(enterprise_id)
    return enterprise


async def change_sms_settings(
    ports: Ports, enterprise_id: str, change: SmsSettingsChange, *, correlation_id: str | None = None
) -> Enterprise:
    """Change some SMS settings; an unchanged enterprise publishes nothing.

    Switching the connector app stops the other app's open sync task (see
    ``sync_tasks.stop_other_apps_tasks``), in order with the enterprise's changes.
    """
    async for _ in attempts():
        current = await require_enterprise(ports, enterprise_id)
        updated = current.with_settings(change, ports.clock())
        if updated is current:
            return current
        try:
            await ports.enterprises.save(
                updated, expected_version=current.version, correlation_id=correlation_id
            )
        except VersionConflict:
            continue
        return updated
    raise ConcurrentChange(f"enterprise {enterprise_id!r}")
