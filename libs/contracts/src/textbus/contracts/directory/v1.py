"""directory.events.v1: directory users published by other systems (an identity provider sync)."""

from typing import ClassVar

from textbus.contracts.common import Id
from textbus.contracts.envelope import Payload


class DirectoryUserPublished(Payload):
    """A user as the enterprise's directory has it now; enabled=false disables them."""

    TYPE: ClassVar[str] = "textbus.directory.DirectoryUserPublished.v1"

    user_id: Id
    display_name: str
    sign_in_name: str
    enabled: bool = True
