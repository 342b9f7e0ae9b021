"""domains.events.v1: the domain subscription a number's carrier traffic depends on, per number."""

from typing import ClassVar

from textbus.contracts.common import E164, Id
from textbus.contracts.envelope import Payload


class NumberDomainExpired(Payload):
    TYPE: ClassVar[str] = "textbus.domains.NumberDomainExpired.v1"

    number: E164
    domain: str
    subscription_id: Id


class NumberDomainRestored(Payload):
    TYPE: ClassVar[str] = "textbus.domains.NumberDomainRestored.v1"

    number: E164
    domain: str
    subscription_id: Id
