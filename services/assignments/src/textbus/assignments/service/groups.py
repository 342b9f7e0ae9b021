"""Use cases for SMS groups: create, update, delete, view and find.

A group is stored at once with the commands that ask the numbers service for
its numbers, in one write (its outbox): GroupUpserted first, so the numbers
service knows the group when the commands reach it. Group names are unique in
a tenant through a reservation document whose id is the name (inserting it is
atomic on any database).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import uuid4

from pydantic import BaseModel, ConfigDict

from textbus.assignments.domain import groups as rules
from textbus.assignments.domain.group_search import GroupSearch
from textbus.assignments.domain.groups import Group, GroupRuleBroken, MembershipChange
from textbus.assignments.domain.number_requests import NumberEntry, entries
from textbus.assignments.domain.sync_tasks import SmsAssignmentChange
from textbus.assignments.domain.users import User
from textbus.assignments.service.assignees import (
    attempts,
    current_entries,
    require_enabled_users,
    require_enterprise,
    require_numbers_of_tenant,
)
from textbus.assignments.service.errors import (
    ConcurrentChange,
    GroupNameTaken,
    GroupNotFound,
    GroupRuleViolated,
)
from textbus.assignments.service.ports import Ports, VersionConflict

# A name reservation whose group never got stored (a crash between the two
# writes) may be taken over after this long.
NAME_RESERVATION_GRACE = timedelta(seconds=30)


class UserRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: str
    display_name: str | None
    sign_in_name: str | None


class GroupView(BaseModel):
    """A group as the Groups table and the Update SMS Group form show it."""

    model_config = ConfigDict(frozen=True)

    group_id: str
    name: str
    owner: UserRef
    members: list[UserRef]
    member_count: int
    numbers: list[NumberEntry]
    version: int
    created_at: datetime
    updated_at: datetime


async def create_group(
    ports: Ports,
    *,
    tenant: str,
    name: str,
    owner_user_id: str,
    member_user_ids: Sequence[str],
    numbers: Sequence[str],
    requested_by: str,
    correlation_id: str | None = None,
) -> GroupView:
    """Create a group with its owner, members and numbers; each number is asked for separately,
    and one the numbers service refuses is reported on the group without undoing the rest."""
    await require_enterprise(ports, tenant)
    now = ports.clock()
    try:
        change = rules.create_group(
            tenant=tenant,
            group_id=uuid4().hex,
            name=name,
            owner_user_id=owner_user_id,
            member_user_ids=member_user_ids,
            numbers=numbers,
            requested_by=requested_by,
            operation_id=uuid4().hex,
            at=now,
        )
    except GroupRuleBroken as error:
        raise GroupRuleViolated(str(error)) from error
    await require_enabled_users(ports, tenant, rules.new_users(change, None))
    await require_numbers_of_tenant(ports, tenant, numbers)
    group = change.group
    await _reserve_name(ports, group, now)
    try:
        await ports.groups.insert(change, correlation_id=correlation_id)
    except BaseException:
        # Stored but not yet published (the outbox will be): the name is the group's.
        if await ports.groups.get(tenant, group.group_id) is None:
            await ports.group_names.release(tenant, group.name_key, group.group_id)
        raise
    return await group_view(ports, group)


async def update_group(
    ports: Ports,
    *,
    tenant: str,
    group_id: str,
    name: str | None = None,
    owner_user_id: str | None = None,
    members_add: Sequence[str] = (),
    members_remove: Sequence[str] = (),
    numbers_add: Sequence[str] = (),
    numbers_remove: Sequence[str] = (),
    requested_by: str,
    correlation_id: str | None = None,
) -> GroupView:
    """Rename, change the owner, add or remove members and numbers; all of it or, on bad input, none."""
    await require_enterprise(ports, tenant)
    await require_numbers_of_tenant(ports, tenant, numbers_add)
    async for _ in attempts():
        group = await _existing(ports, tenant, group_id)
        current = await current_entries(ports, tenant, group.assignee, group.requests)
        try:
            change = group.update(
                current=current,
                name=name,
                owner_user_id=owner_user_id,
                members_add=members_add,
                members_remove=members_remove,
                numbers_add=numbers_add,
                numbers_remove=numbers_remove,
                requested_by=requested_by,
                operation_id=uuid4().hex,
                at=ports.clock(),
            )
        except GroupRuleBroken as error:
            raise GroupRuleViolated(str(error)) from error
        if not (change.commands or change.profile_changed or change.group.requests != group.requests):
            return await group_view(ports, group)
        await require_enabled_users(ports, tenant, rules.new_users(change, group))
        if change.previous_name is not None:
            await _reserve_name(ports, change.group, change.group.updated_at)
        try:
            await ports.groups.replace(change, expected_version=group.version, correlation_id=correlation_id)
        except VersionConflict:
            # The new name stays reserved: the writer that won may have taken it too, and a
            # reservation no group took is taken over after its grace (``_reserve_name``).
            continue
        if change.previous_name is not None:
            await ports.group_names.release(tenant, rules.name_key(change.previous_name), group_id)
        if change.membership is not None:
            await settle_membership(ports, change.group, change.membership)
        return await group_view(ports, change.group)
    raise ConcurrentChange(f"SMS group {group_id!r}")


async def delete_group(
    ports: Ports, *, tenant: str, group_id: str, requested_by: str, correlation_id: str | None = None
) -> None:
    """Delete a group: its numbers are unassigned (and become available again), its members lose them."""
    await require_enterprise(ports, tenant)
    async for _ in attempts():
        group = await _existing(ports, tenant, group_id)
        current = await current_entries(ports, tenant, group.assignee, group.requests)
        change = group.delete(
            current=current, requested_by=requested_by, operation_id=uuid4().hex, at=ports.clock()
        )
        try:
            await ports.groups.replace(change, expected_version=group.version, correlation_id=correlation_id)
        except VersionConflict:
            continue
        await ports.group_names.release(tenant, group.name_key, group_id)
        return
    raise ConcurrentChange(f"SMS group {group_id!r}")


async def get_group(ports: Ports, tenant: str, group_id: str) -> GroupView:
    return await group_view(ports, await _existing(ports, tenant, group_id))


async def group_view(ports: Ports, group: Group) -> GroupView:
    current = await current_entries(ports, group.tenant, group.assignee, group.requests)
    users = await ports.users.get_many(group.tenant, [group.owner_user_id, *group.member_user_ids])
    return _view(group, list(current.values()), users)


async def find_groups(
    ports: Ports, tenant: str, query: GroupSearch, *, skip: int, limit: int
) -> tuple[list[GroupView], int]:
    """The tenant's groups matching the quick search and column filters, one page of them: one
    query finds the page, and only the page's groups are read further for their views."""
    await require_enterprise(ports, tenant)
    groups, total = await ports.group_finder.find(tenant, query, skip=skip, limit=limit)
    held = await ports.numbers.held_by_groups(tenant, [g.group_id for g in groups])
    outcomes = await ports.numbers.outcomes((r.number, r.correlation_id) for g in groups for r in g.requests)
    users = await ports.users.get_many(
        tenant, {u for g in groups for u in (g.owner_user_id, *g.member_user_ids)}
    )
    views = [_view(g, entries(g.requests, held.get(g.group_id, []), outcomes), users) for g in groups]
    return views, total


async def settle_membership(ports: Ports, group: Group, change: MembershipChange) -> None:
    """Publish who receives SMS through the group now, if its numbers make that matter.

    Read after the members were stored: a number assigned to the group at the
    same moment is either seen here or sees the new members itself.
    """
    held = await ports.numbers.held_by(group.tenant, group.assignee)
    event = None
    if held:
        event = SmsAssignmentChange(
            change_id=change.change_id,
            cause="group-members-changed"
            if change.members_added or change.members_removed
            else "group-owner-changed",
            at=change.at,
            group_id=group.group_id,
            members_added=change.members_added,
            members_removed=change.members_removed,
            recipients=change.members_added,
        )
    await ports.groups.settle_membership(group, change, event)


async def settle_unsettled_memberships(ports: Ports) -> None:
    """At start-up: finish what a crash interrupted between storing members and publishing."""
    for group, change in await ports.groups.unsettled_memberships():
        await settle_membership(ports, group, change)


async def _existing(ports: Ports, tenant: str, group_id: str) -> Group:
    group = await ports.groups.get(tenant, group_id)
    if group is None or group.deleted:
        raise GroupNotFound(tenant, group_id)
    return group


async def _reserve_name(ports: Ports, group: Group, at: datetime) -> None:
    holder = await ports.group_names.reserve(group.tenant, group.name_key, group.group_id, at)
    if holder is None or holder.group_id == group.group_id:
        return
    current = await ports.groups.get(group.tenant, holder.group_id)
    abandoned = current is None or current.deleted or current.name_key != group.name_key
    if (
        abandoned
        and at - holder.reserved_at > NAME_RESERVATION_GRACE
        and await ports.group_names.take_over(group.tenant, group.name_key, holder, group.group_id)
    ):
        return
    raise GroupNameTaken(group.name)


def _view(group: Group, numbers: list[NumberEntry], users: dict[str, User]) -> GroupView:
    def ref(user_id: str) -> UserRef:
        user = users.get(user_id)
        return UserRef(
            user_id=user_id,
            display_name=user.display_name if user else None,
            sign_in_name=user.sign_in_name if user else None,
        )

    return GroupView(
        group_id=group.group_id,
        name=group.name,
        owner=ref(group.owner_user_id),
        members=[ref(m) for m in group.member_user_ids],
        member_count=len(group.member_user_ids),
        numbers=numbers,
        version=group.version,
        created_at=group.created_at,
        updated_at=group.updated_at,
    )
