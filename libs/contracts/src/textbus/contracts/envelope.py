"""The CloudEvent every Kafka record carries, and the payload registry.

Records follow the CloudEvents Kafka protocol binding in structured mode: the
value is the event as JSON (``application/cloudevents+json``), with attribute
names as the spec requires (lower-case letters and digits: ``correlationid``,
``tenant`` and ``datacontenttype``), and the Kafka key equals ``subject``.

A payload class names its CloudEvents ``type`` when it is declared::

    class NumberAdded(NumberEvent):
        TYPE: ClassVar[str] = "textbus.numbers.NumberAdded.v1"

so a consumer can turn any record into the right model by its ``type`` alone.
Producers are strict (``Envelope.wrap`` takes a validated payload instance);
consumers are tolerant (unknown fields are ignored, so adding an optional
field never breaks an older consumer).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Literal
from uuid import UUID, uuid4

from pydantic import AliasChoices, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

_PAYLOADS: dict[str, type[Payload]] = {}
CLOUDEVENTS_JSON = "application/cloudevents+json; charset=utf-8"


class Payload(BaseModel):
    """Base of every command and event payload."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    TYPE: ClassVar[str]
    """The CloudEvents type; a concrete payload sets it, which registers the payload."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        declared = cls.__dict__.get("TYPE")
        if declared is None:
            return
        if declared in _PAYLOADS:
            raise TypeError(f"payload type {declared!r} is declared twice")
        _PAYLOADS[declared] = cls


class UnknownPayload(Payload):
    """A payload whose type this consumer does not know: a newer producer's; it is skipped."""

    model_config = ConfigDict(frozen=True, extra="allow")


def payload_types() -> dict[str, type[Payload]]:
    """Every declared payload by its CloudEvents type (importing the contract modules fills it)."""
    return dict(_PAYLOADS)


def _now() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    """One message on the bus: CloudEvents attributes around a typed payload."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = "1.0"
    id: UUID = Field(
        default_factory=uuid4,
        description="Unique per message; consumers dedupe on it. A UUID (a CloudEvents id may be any "
        "string; textbus takes UUIDs only, e.g. uuid5 of a system's own message id).",
    )
    type: str = Field(description="The payload's type, e.g. textbus.numbers.NumberAdded.v1.")
    source: str = Field(description="The service (or external system) that produced the message.")
    time: AwareDatetime = Field(default_factory=_now, description="When the message was produced.")
    subject: str = Field(description="What the message is about; equal to the Kafka key.")
    tenant: str = Field(min_length=1, description="The enterprise the message belongs to.")
    correlation_id: str | None = Field(
        default=None,
        # Records of the first envelope spelled it correlation_id; consumers still read them.
        validation_alias=AliasChoices("correlationid", "correlation_id"),
        serialization_alias="correlationid",
        description="Ties a command to the events and answers it caused (extension attribute).",
    )
    datacontenttype: Literal["application/json"] = "application/json"
    data: Payload = Field(description="The payload, whose model is chosen by `type`.")

    @model_validator(mode="before")
    @classmethod
    def _resolve_payload(cls, value: Any) -> Any:
        if not isinstance(value, dict) or isinstance(value.get("data"), Payload):
            return value
        payload_type = _PAYLOADS.get(value.get("type", ""), UnknownPayload)
        return {**value, "data": payload_type.model_validate(value.get("data"))}

    @classmethod
    def wrap(
        cls,
        payload: Payload,
        *,
        source: str,
        subject: str,
        tenant: str,
        correlation_id: str | None = None,
        id: UUID | None = None,
        time: datetime | None = None,
    ) -> Envelope:
        """``id``: a producer that derives it (a uuid5 of what the message is) makes a repeat of the
        same message the same record for consumers' dedupe; by default a new one. ``time``: when."""
        return cls(
            id=id or uuid4(),
            type=payload.TYPE,
            source=source,
            time=time or _now(),
            subject=subject,
            tenant=tenant,
            correlation_id=correlation_id,
            data=payload,
        )

    def to_json(self) -> bytes:
        """The structured-mode CloudEvent (``CLOUDEVENTS_JSON``); an absent correlation id is left
        out rather than null, as CloudEvents readers expect of an unset extension."""
        unset = {"correlation_id"} if self.correlation_id is None else None
        return self.model_dump_json(serialize_as_any=True, by_alias=True, exclude=unset).encode()
