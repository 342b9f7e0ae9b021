"""Enterprises (the tenants) and their SMS settings, which only the provider role changes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ConnectorApp = Literal["legacy", "unified"]
ENTERPRISE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


class SmsSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    group_texting: bool = Field(default=False, description="Group Texting (group SMS) is on.")
    secure_sms: bool = Field(default=False, description="Secure (encrypted) SMS is on.")
    connector_app: ConnectorApp = Field(
        default="unified", description="The Teams connector app the enterprise uses: legacy or unified."
    )
    manages_own_numbers: bool = Field(
        default=False,
        description="Enterprise admins may add, update and delete numbers; otherwise only the provider.",
    )


class SmsSettingsChange(BaseModel):
    """A partial change of the settings: a field left out keeps its value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    group_texting: bool | None = None
    secure_sms: bool | None = None
    connector_app: ConnectorApp | None = None
    manages_own_numbers: bool | None = None

    def applied_to(self, settings: SmsSettings) -> SmsSettings:
        return settings.model_copy(update=self.model_dump(exclude_none=True))


class Enterprise(BaseModel):
    model_config = ConfigDict(frozen=True)

    enterprise_id: str = Field(pattern=ENTERPRISE_ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    settings: SmsSettings = Field(default_factory=SmsSettings)
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, description="Grows with every change; guards concurrent writers.")

    def with_settings(self, change: SmsSettingsChange, at: datetime) -> Enterprise:
        settings = change.applied_to(self.settings)
        if settings == self.settings:
            return self
        return self.model_copy(update={"settings": settings, "updated_at": at, "version": self.version + 1})
