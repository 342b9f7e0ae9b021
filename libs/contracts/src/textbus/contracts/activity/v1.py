"""sms.activity.v1: a message went out from or came in on a number; it keeps the number alive."""

from datetime import datetime
from typing import ClassVar, Literal

from textbus.contracts.common import E164, Id
from textbus.contracts.envelope import Payload


class NumberActivity(Payload):
    TYPE: ClassVar[str] = "textbus.activity.NumberActivity.v1"

    number: E164
    direction: Literal["outbound", "inbound"]
    message_id: Id
    at: datetime
