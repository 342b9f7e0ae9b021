"""Settings of the carrier gateway, from TEXTBUS_CARRIER_GATEWAY_* variables."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TEXTBUS_CARRIER_GATEWAY_")

    credential_keys: SecretStr | None = Field(
        default=None,
        description="Required to start: comma-separated Fernet keys (urlsafe base64 of 32 bytes): "
        "the first encrypts carrier credentials, every one decrypts, so a new key is put first, "
        "the service restarted, credentials re-encrypted (POST /v1/carrier-credentials/re-encrypt), "
        "and the old key dropped.",
    )
    public_url: str | None = Field(
        default=None,
        description="The gateway's address as carriers reach it (behind a proxy: the proxy's); "
        "webhook URLs and signatures are built from it. Unset: its own HTTP host and port.",
    )
    validity_seconds: int = Field(default=10 * 3600, ge=60, description="A queued message expires after it.")
    queue_hours: float = Field(
        default=10.0, gt=0, description="A number queues at most this long of its rate."
    )
    submit_concurrency: int = Field(default=200, ge=1, description="Submits in flight at once, all profiles.")
    submit_attempts: int = Field(default=8, ge=1, description="Tries of a transient failure before it fails.")
    first_retry_seconds: float = Field(default=1.0, gt=0)
    max_retry_seconds: float = Field(default=300.0, gt=0)
    profile_segments_per_second: float = Field(
        default=100.0, gt=0, description="A profile's own limit unless the profile sets one."
    )
    intake_batch_size: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="Send requests and receipts taken at a time: each "
        "number's in order, different numbers at once.",
    )
    sandbox_delivery_seconds: float = Field(default=0.2, ge=0, description="The sandbox carrier's delay.")
