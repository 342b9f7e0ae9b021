"""Use cases for directory users, their personal numbers and what a user view shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import uuid4

from pydantic import BaseModel, ConfigDict

from textbus.assignments.domain import personal_numbers
from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.number_requests import NumberEntry
from textbus.assignments.domain.users import User
from textbus.assignments.service.assignees import (
    attempts,
    current_entries,
    require_enterprise,
    require_numbers_of_tenant,
)
from textbus.assignments.service.errors import ConcurrentChange, NumberNotHeld, UserNotFound
from textbus.assignments.service.ports import PersonalRequests, Ports, VersionConflict

Decide = Callable[[PersonalRequests, dict[str, NumberEntry]], personal_numbers.PersonalChange]


class GroupRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    group_id: str
    name: str


class UserView(User):
    """A user with their personal numbers (and each one's state) and the groups they belong to."""

    numbers: list[NumberEntry]
    groups: list[GroupRef]


async def save_user(
    ports: Ports,
    *,
    tenant: str,
    user_id: str,
    display_name: str,
    sign_in_name: str,
    enabled: bool,
    correlation_id: str | None = None,
    at: datetime | None = None,
) -> User:
    """Create or update a directory user; an unchanged user publishes nothing.

    ``at`` is when the change was made at its source: a change older than the
    stored user (a directory event that was overtaken) is ignored.
    """
    async for _ in attempts():
        previous, version = await ports.users.versioned(tenant, user_id)
        if previous is not None and at is not None and at < previous.updated_at:
            return previous
        user = User(
            tenant=tenant,
            user_id=user_id,
            display_name=display_name,
            sign_in_name=sign_in_name,
            enabled=enabled,
            updated_at=at or ports.clock(),
        )
        if not user.changed_from(previous):
            assert previous is not None
            return previous
        try:
            await ports.users.save(user, expected_version=version, correlation_id=correlation_id)
        except VersionConflict:
            continue
        return user
    raise ConcurrentChange(f"user {user_id!r}")


async def user_view(ports: Ports, tenant: str, user_id: str) -> UserView:
    user = await ports.users.get(tenant, user_id)
    if user is None:
        raise UserNotFound(tenant, user_id)
    personal = await ports.users.requests_of(tenant, user_id)
    current = await current_entries(ports, tenant, _assignee(user_id), personal.requests)
    groups = await ports.groups.of_member(tenant, user_id)
    return UserView(
        **user.model_dump(),
        numbers=list(current.values()),
        groups=sorted((GroupRef(group_id=g.group_id, name=g.name) for g in groups), key=lambda g: g.name),
    )


async def assign_personal_number(
    ports: Ports,
    *,
    tenant: str,
    user_id: str,
    number: str,
    replace: bool,
    requested_by: str,
) -> UserView:
    """Ask the numbers service to assign ``number`` to the user (with ``replace``: move it to them).

    The answer comes later: the user view shows the number pending, then
    assigned, or refused with the numbers service's reason.
    """
    await require_enterprise(ports, tenant)
    await require_numbers_of_tenant(ports, tenant, [number])

    def change(
        personal: PersonalRequests, current: dict[str, NumberEntry]
    ) -> personal_numbers.PersonalChange:
        return personal_numbers.assign(
            personal.requests,
            current,
            number,
            replace=replace,
            correlation_id=uuid4().hex,
            requested_by=requested_by,
            at=ports.clock(),
        )

    await _change_personal_numbers(ports, tenant, user_id, change)
    return await user_view(ports, tenant, user_id)


async def unassign_personal_number(
    ports: Ports, *, tenant: str, user_id: str, number: str, requested_by: str
) -> UserView:
    """Ask the numbers service to unassign the user's ``number``; a refused request is just forgotten."""
    await require_enterprise(ports, tenant)

    def change(
        personal: PersonalRequests, current: dict[str, NumberEntry]
    ) -> personal_numbers.PersonalChange:
        try:
            return personal_numbers.unassign(
                personal.requests,
                current,
                number,
                correlation_id=uuid4().hex,
                requested_by=requested_by,
                at=ports.clock(),
            )
        except personal_numbers.NotHeld as error:
            raise NumberNotHeld(user_id, number) from error

    await _change_personal_numbers(ports, tenant, user_id, change)
    return await user_view(ports, tenant, user_id)


async def _change_personal_numbers(
    ports: Ports,
    tenant: str,
    user_id: str,
    decide: Decide,
) -> None:
    if await ports.users.get(tenant, user_id) is None:
        raise UserNotFound(tenant, user_id)
    async for _ in attempts():
        personal = await ports.users.requests_of(tenant, user_id)
        current = await current_entries(ports, tenant, _assignee(user_id), personal.requests)
        change = decide(personal, current)
        if change.command is None and list(personal.requests) == change.requests:
            return
        updated = PersonalRequests(
            tenant=tenant,
            user_id=user_id,
            requests=tuple(change.requests),
            version=personal.version + 1,
        )
        commands = [change.command] if change.command else []
        try:
            await ports.users.save_requests(updated, commands, expected_version=personal.version)
        except VersionConflict:
            continue
        return
    raise ConcurrentChange(f"the numbers of user {user_id!r}")


def _assignee(user_id: str) -> Assignee:
    return Assignee(kind="user", id=user_id)
