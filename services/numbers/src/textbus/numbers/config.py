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
    command_workers: int = 1
    """Consumers of numbers.commands.v1 in one process; each owns whole partitions, so every
    number still has one writer and its commands stay in order. Above 1, FastStream 0.7.8's
    concurrent subscriber leaves Kafka connections open when it stops (seen as unclosed
    transports at exit in our tests), so the default stays at 1 until that is fixed."""
