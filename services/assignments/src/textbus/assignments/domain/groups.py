"""SMS groups: Teams users who share numbers. A group has a name unique in its tenant, an owner,
members, and the numbers it asked the numbers service for.

The rules here decide what a create, update or delete changes and which
commands it sends; whether a number is the group's is the numbers service's
call, reported back through its events (see ``number_requests``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.number_requests import NumberEntry, NumberRequest, kept

MAX_NAME_LENGTH = 100
MAX_MEMBERS = 1000
MAX_NUMBERS = 100


class GroupRuleBroken(ValueError):
    """A request that breaks a group rule; nothing is changed."""


def name_key(name: str) -> str:
    """What makes two group names the same in a tenant: case and spacing do not count."""
    return re.sub(r"\s+", " ", name).strip().casefold()


class Group(BaseModel):
    model_config = ConfigDict(frozen=True)

    tenant: str
    group_id: str
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    owner_user_id: str = Field(min_length=1, max_length=200)
    member_user_ids: tuple[str, ...] = ()
    requests: tuple[NumberRequest, ...] = ()
    version: int = 1
    deleted: bool = False
    created_at: datetime
    updated_at: datetime

    @field_validator("name")
    @classmethod
    def _tidy_name(cls, value: str) -> str:
        tidy = re.sub(r"\s+", " ", value).strip()
        if not tidy:
            raise ValueError("must not be blank")
        return tidy

    @property
    def name_key(self) -> str:
        return name_key(self.name)

    @property
    def assignee(self) -> Assignee:
        return Assignee(kind="group", id=self.group_id)

    def update(
        self,
        *,
        current: Mapping[str, NumberEntry],
        name: str | None = None,
        owner_user_id: str | None = None,
        members_add: Sequence[str] = (),
        members_remove: Sequence[str] = (),
        numbers_add: Sequence[str] = (),
        numbers_remove: Sequence[str] = (),
        requested_by: str,
        operation_id: str,
        at: datetime,
    ) -> GroupChange:
        """Rename, change the owner, add or remove members and numbers, in one change.

        ``current`` is what the group's numbers are now. A number already assigned
        or pending is not asked for again; removing a refused number only forgets it.
        """
        _disjoint("members", members_add, members_remove)
        _disjoint("numbers", numbers_add, numbers_remove)
        members = [m for m in self.member_user_ids if m not in set(members_remove)]
        members += [m for m in _unique(members_add) if m not in members]
        _check_sizes(members, len((set(current) - set(numbers_remove)) | set(numbers_add)))
        requests = kept(self.requests, current)
        commands: list[NumberRequest] = []
        for number in _unique(numbers_add):
            if _state(current, number) not in ("assigned", "pending"):
                commands.append(_request(number, "assign", operation_id, requested_by, at))
        for number in _unique(numbers_remove):
            state = _state(current, number)
            if state in ("assigned", "pending"):
                commands.append(_request(number, "unassign", operation_id, requested_by, at))
            elif state == "refused":
                requests = [r for r in requests if r.number != number]
        touched = {c.number for c in commands}
        requests = [r for r in requests if r.number not in touched] + commands
        updated = _valid_group(
            {
                **self.model_dump(),
                "name": self.name if name is None else name,
                "owner_user_id": owner_user_id or self.owner_user_id,
                "member_user_ids": tuple(members),
                "requests": tuple(requests),
                "version": self.version + 1,
                "updated_at": at,
            }
        )
        return GroupChange(
            group=updated,
            commands=commands,
            membership=_membership(self, updated, operation_id, at),
            profile_changed=(updated.name, updated.owner_user_id, updated.member_user_ids)
            != (self.name, self.owner_user_id, self.member_user_ids),
            previous_name=self.name if updated.name_key != self.name_key else None,
        )

    def delete(
        self, *, current: Mapping[str, NumberEntry], requested_by: str, operation_id: str, at: datetime
    ) -> GroupChange:
        """Delete the group: its assigned and pending numbers are unassigned; the rest forgotten."""
        commands = [
            _request(number, "unassign", operation_id, requested_by, at)
            for number, entry in sorted(current.items())
            if entry.state in ("assigned", "pending")
        ]
        deleted = self.model_copy(
            update={
                "requests": tuple(commands),
                "deleted": True,
                "version": self.version + 1,
                "updated_at": at,
            }
        )
        return GroupChange(
            group=deleted, commands=commands, membership=None, profile_changed=False, previous_name=None
        )


@dataclass(frozen=True)
class MembershipChange:
    """Members or the owner changed: who receives SMS through the group's numbers may have changed."""

    change_id: str
    members_added: tuple[str, ...]
    members_removed: tuple[str, ...]
    owner_changed: bool
    at: datetime


@dataclass(frozen=True)
class GroupChange:
    group: Group
    commands: list[NumberRequest]
    membership: MembershipChange | None
    profile_changed: bool
    previous_name: str | None


def create_group(
    *,
    tenant: str,
    group_id: str,
    name: str,
    owner_user_id: str,
    member_user_ids: Sequence[str],
    numbers: Sequence[str],
    requested_by: str,
    operation_id: str,
    at: datetime,
) -> GroupChange:
    """A new group: it exists at once, and each of its numbers is asked for from the numbers service."""
    members = _unique(member_user_ids)
    _check_sizes(members, len(_unique(numbers)))
    commands = [_request(n, "assign", operation_id, requested_by, at) for n in _unique(numbers)]
    group = _valid_group(
        {
            "tenant": tenant,
            "group_id": group_id,
            "name": name,
            "owner_user_id": owner_user_id,
            "member_user_ids": tuple(members),
            "requests": tuple(commands),
            "created_at": at,
            "updated_at": at,
        }
    )
    return GroupChange(
        group=group, commands=commands, membership=None, profile_changed=True, previous_name=None
    )


def new_users(group_change: GroupChange, before: Group | None) -> list[str]:
    """Owner and members that this change brings into the group (they must exist and be enabled)."""
    known = set() if before is None else {before.owner_user_id, *before.member_user_ids}
    after = group_change.group
    return [u for u in _unique([after.owner_user_id, *after.member_user_ids]) if u not in known]


def _valid_group(fields: dict[str, object]) -> Group:
    try:
        return Group.model_validate(fields)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise GroupRuleBroken(problems) from error


def _membership(before: Group, after: Group, change_id: str, at: datetime) -> MembershipChange | None:
    added = tuple(m for m in after.member_user_ids if m not in before.member_user_ids)
    removed = tuple(m for m in before.member_user_ids if m not in after.member_user_ids)
    owner_changed = before.owner_user_id != after.owner_user_id
    if not (added or removed or owner_changed):
        return None
    return MembershipChange(change_id, added, removed, owner_changed, at)


def _request(number: str, action: str, operation_id: str, requested_by: str, at: datetime) -> NumberRequest:
    return NumberRequest.model_validate(
        {
            "number": number,
            "action": action,
            "correlation_id": operation_id,
            "requested_by": requested_by,
            "requested_at": at,
        }
    )


def _state(current: Mapping[str, NumberEntry], number: str) -> str | None:
    entry = current.get(number)
    return entry.state if entry else None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _disjoint(what: str, added: Sequence[str], removed: Sequence[str]) -> None:
    both = sorted(set(added) & set(removed))
    if both:
        raise GroupRuleBroken(f"{what} both added and removed: {', '.join(both)}")


def _check_sizes(members: Sequence[str], numbers: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise GroupRuleBroken(f"a group has at most {MAX_MEMBERS} members")
    if numbers > MAX_NUMBERS:
        raise GroupRuleBroken(f"a group has at most {MAX_NUMBERS} numbers")
