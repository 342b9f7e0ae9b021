"""Settings of the assignments service's own, from TEXTBUS_ASSIGNMENTS_* variables."""

from datetime import timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RetentionSettings(BaseSettings):
    """How long what only answers old questions is kept (see the README for why these defaults)."""

    model_config = SettingsConfigDict(env_prefix="TEXTBUS_ASSIGNMENTS_RETENTION_")

    outcome_days: float = Field(
        default=30, gt=0, description="Command outcomes no stored request refers to, after this long."
    )
    counted_change_days: float = Field(
        default=90, gt=0, description="Counted change ids outside open tasks, after this long."
    )
    revision_days: float = Field(
        default=1,
        gt=0,
        description="Revisions (reservations of a version) that hold nothing more, after this long.",
    )
    sweep_seconds: float = Field(default=3600, gt=0, description="Time between two sweeps.")

    @property
    def outcomes(self) -> timedelta:
        return timedelta(days=self.outcome_days)

    @property
    def counted_changes(self) -> timedelta:
        return timedelta(days=self.counted_change_days)

    @property
    def revisions(self) -> timedelta:
        return timedelta(days=self.revision_days)
