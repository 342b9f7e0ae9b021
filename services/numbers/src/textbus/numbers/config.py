"""Limits and rules of the numbers service, from TEXTBUS_NUMBERS_* variables."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class NumbersSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TEXTBUS_NUMBERS_")

    tier_limit: int = 400
    """Registered numbers an enterprise may have (the low-volume tier, seed 004)."""
    max_range_size: int = 10_000
    max_import_bytes: int = 5 * 1024 * 1024
    max_import_rows: int = 50_000
    max_bulk_numbers: int = 100_000
    command_timeout_seconds: float = 15.0
    """How long a single-number REST call waits for its command's outcome."""
    inactivity_sweep_seconds: float = 3600.0
    outcome_retention_days: float = 30.0
    """How long the outcome of a single command is kept: the REST call waits seconds for it, then it
    only dedupes a redelivery, which Kafka's retention of numbers.commands.v1 (7 days by default)
    bounds; 30 days leaves that four times over."""
    job_retention_days: float = 90.0
    """How long a completed job (its input chunks, progress and every number's outcome) is kept: a
    quarter to come back to an import's or a bulk change's failures. A running job is never swept."""
    retention_sweep_seconds: float = 3600.0
    command_batch_size: int = 100
    """Commands taken from numbers.commands.v1 at a time: each number's in order, different numbers
    at once (each is its own document and its partition's alone)."""
