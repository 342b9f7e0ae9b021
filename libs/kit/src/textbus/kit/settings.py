"""Settings shared by every service, one class per concern, each with its own environment prefix.

Defaults work on one machine with the local infrastructure (``./dev run``).
"""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TEXTBUS_KAFKA_")

    bootstrap_servers: str = "127.0.0.1:19092"
    topic_prefix: str = Field(
        default="", description="Prepended to every topic name; tests use it to isolate runs."
    )
    replication_factor: int = Field(default=1, description="For the topics a service creates.")


class MongoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TEXTBUS_MONGO_")

    url: str = "mongodb://127.0.0.1:27018/"
    database_prefix: str = Field(
        default="textbus_", description="Each service's database is this prefix + its name."
    )


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TEXTBUS_AUTH_")

    # HS256 with a shared secret by default; RS256/ES256 take a PEM public key here.
    jwt_key: SecretStr = SecretStr("textbus-local-development-key-change-me")
    jwt_algorithm: str = "HS256"
    jwt_issuer: str = "textbus"
    jwt_audience: str = "textbus"


class DeadLetterSettings(BaseSettings):
    """When a consumer stops dead-lettering and halts instead: a bad deploy that fails every record
    must not empty its topics into the dead-letter topic (arroyo's DlqLimit)."""

    model_config = SettingsConfigDict(env_prefix="TEXTBUS_DEAD_LETTERS_")

    max_consecutive: int = Field(default=20, ge=1, description="Records dead-lettered in a row, per topic.")
    max_ratio: float = Field(
        default=0.5, gt=0, le=1, description="Share of the last `window` records of a topic dead-lettered."
    )
    window: int = Field(default=200, ge=1, description="Records of a topic the ratio is measured over.")


class HttpSettings(BaseSettings):
    """The HTTP listener; each service reads it with its own prefix (see ``http_settings``)."""

    host: str = "127.0.0.1"
    port: int = 8080


def http_settings(service: str, default_port: int) -> HttpSettings:
    """HTTP settings read from ``TEXTBUS_<SERVICE>_HOST`` / ``TEXTBUS_<SERVICE>_PORT``."""
    prefix = f"TEXTBUS_{service.upper().replace('-', '_')}_"

    class _ServiceHttpSettings(HttpSettings):
        model_config = SettingsConfigDict(env_prefix=prefix)
        port: int = default_port

    return _ServiceHttpSettings()


class ServiceSettings(BaseSettings):
    """Everything a service needs to run; built once in the service's bootstrap."""

    service: str
    http: HttpSettings
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    mongo: MongoSettings = Field(default_factory=MongoSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    dead_letters: DeadLetterSettings = Field(default_factory=DeadLetterSettings)
    log_level: str = Field(default="INFO", validation_alias="TEXTBUS_LOG_LEVEL")

    @property
    def database_name(self) -> str:
        return self.mongo.database_prefix + self.service.replace("-", "_")

    def topic_name(self, name: str) -> str:
        return self.kafka.topic_prefix + name

    @property
    def consumer_group(self) -> str:
        """One group per service; the topic prefix keeps isolated runs (tests) apart."""
        return self.kafka.topic_prefix + self.service


def service_settings(service: str, default_port: int) -> ServiceSettings:
    return ServiceSettings(service=service, http=http_settings(service, default_port))
