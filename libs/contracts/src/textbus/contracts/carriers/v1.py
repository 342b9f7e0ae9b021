"""carriers.events.v1: carrier profiles, without their credentials (those never leave the gateway)."""

from typing import ClassVar

from textbus.contracts.common import Id
from textbus.contracts.envelope import Payload


class CarrierProfileUpserted(Payload):
    TYPE: ClassVar[str] = "textbus.carriers.CarrierProfileUpserted.v1"

    profile_id: Id
    name: str
    carrier: str


class CarrierProfileDeleted(Payload):
    TYPE: ClassVar[str] = "textbus.carriers.CarrierProfileDeleted.v1"

    profile_id: Id
