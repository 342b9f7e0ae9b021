"""directory.events.v1: users and projects published by other systems (identity provider, case management)."""

from typing import ClassVar

from pydantic import Field

from textbus.contracts.common import E164, Id
from textbus.contracts.envelope import Payload


class DirectoryUserPublished(Payload):
    """A user as the enterprise's directory has it now; enabled=false disables them."""

    TYPE: ClassVar[str] = "textbus.directory.DirectoryUserPublished.v1"

    user_id: Id
    display_name: str
    sign_in_name: str
    enabled: bool = True


class ProjectPublished(Payload):
    """A project as the system that owns projects has it now: its own texting numbers (seed 004:
    project numbers send only from their project; org numbers from the mailroom or any project)."""

    TYPE: ClassVar[str] = "textbus.directory.ProjectPublished.v1"

    project_id: Id
    name: str
    numbers: list[E164] = Field(default_factory=list, max_length=100)
    archived: bool = False
