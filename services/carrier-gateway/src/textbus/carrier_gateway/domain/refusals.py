"""Why the gateway will not send a message: a stable code for machines and a sentence for people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RefusalCode = Literal[
    "number-unknown",
    "number-released",
    "number-not-sms-capable",
    "number-without-carrier-profile",
    "carrier-profile-unknown",
    "sender-not-allowed",
    "recipient-invalid",
    "recipient-not-supported",
    "group-texting-off",
    "group-texting-not-supported",
    "group-mixes-internal-and-external",
    "recipient-opted-out",
    "message-empty",
    "text-too-long",
    "media-type-unsupported",
    "media-too-large",
    "too-many-media",
]


@dataclass(frozen=True)
class Refusal:
    """``code`` never changes once released (clients branch on it); ``detail`` says what is wrong
    and, where the sender can, how to fix it."""

    code: RefusalCode
    detail: str
