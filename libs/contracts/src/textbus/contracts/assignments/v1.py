"""assignments.events.v1: enterprises, users and SMS groups as the assignments service keeps them."""

from typing import ClassVar, Literal

from pydantic import Field

from textbus.contracts.common import Id
from textbus.contracts.envelope import Payload

ConnectorApp = Literal["legacy", "unified"]


class EnterpriseUpserted(Payload):
    """An enterprise (tenant) and its SMS settings, after a change."""

    TYPE: ClassVar[str] = "textbus.assignments.EnterpriseUpserted.v1"

    enterprise_id: Id
    name: str
    group_texting: bool
    secure_sms: bool
    connector_app: ConnectorApp
    manages_own_numbers: bool = Field(
        description="Whether enterprise admins may add, update and delete numbers themselves."
    )


class UserUpserted(Payload):
    """A directory user, after a change."""

    TYPE: ClassVar[str] = "textbus.assignments.UserUpserted.v1"

    user_id: Id
    display_name: str
    sign_in_name: str
    enabled: bool


class GroupUpserted(Payload):
    """An SMS group's name, owner and members, after a change."""

    TYPE: ClassVar[str] = "textbus.assignments.GroupUpserted.v1"

    group_id: Id
    name: str
    owner_user_id: Id
    member_user_ids: list[Id]


class GroupDeleted(Payload):
    TYPE: ClassVar[str] = "textbus.assignments.GroupDeleted.v1"

    group_id: Id
