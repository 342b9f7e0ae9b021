"""The problems the assignments API answers with (RFC 9457 problem+json through the kit)."""

from __future__ import annotations

from collections.abc import Iterable

from textbus.kit.problems import Conflict, InvalidRequest, NotFound


class EnterpriseExists(Conflict):
    code, title = "enterprise-exists", "The enterprise exists already"

    def __init__(self, enterprise_id: str) -> None:
        super().__init__(f"enterprise {enterprise_id!r} exists already")


class UserNotFound(NotFound):
    code, title = "user-not-found", "No such user"

    def __init__(self, tenant: str, user_id: str) -> None:
        super().__init__(f"no user {user_id!r} in tenant {tenant!r}")


class GroupNotFound(NotFound):
    code, title = "group-not-found", "No such SMS group"

    def __init__(self, tenant: str, group_id: str) -> None:
        super().__init__(f"no SMS group {group_id!r} in tenant {tenant!r}")


class GroupNameTaken(Conflict):
    code, title = "group-name-taken", "The group name is used already"

    def __init__(self, name: str) -> None:
        super().__init__(f"another SMS group in this tenant is called {name!r}", name=name)


class UnknownUsers(InvalidRequest):
    code, title = "unknown-users", "Unknown users"

    def __init__(self, user_ids: Iterable[str]) -> None:
        ids = sorted(user_ids)
        super().__init__(f"no such users in this tenant: {', '.join(ids)}", user_ids=ids)


class DisabledUsers(InvalidRequest):
    code, title = "disabled-users", "Disabled users"

    def __init__(self, user_ids: Iterable[str]) -> None:
        ids = sorted(user_ids)
        super().__init__(f"these users are disabled: {', '.join(ids)}", user_ids=ids)


class ForeignNumbers(InvalidRequest):
    code, title = "foreign-numbers", "Numbers of another tenant"

    def __init__(self, numbers: Iterable[str]) -> None:
        listed = sorted(numbers)
        super().__init__(f"these numbers belong to another tenant: {', '.join(listed)}", numbers=listed)


class GroupRuleViolated(InvalidRequest):
    code, title = "group-rule", "The change breaks a group rule"


class NumberNotHeld(NotFound):
    code, title = "number-not-held", "The user does not have this number"

    def __init__(self, user_id: str, number: str) -> None:
        super().__init__(f"user {user_id!r} has no number {number} and none is on its way")


class TaskNotFound(NotFound):
    code, title = "sync-task-not-found", "No such sync task"

    def __init__(self, task_id: str) -> None:
        super().__init__(f"there is no sync task {task_id!r}")


class TaskNotOpen(Conflict):
    code, title = "sync-task-not-open", "The sync task is not open"

    def __init__(self, task_id: str, status: str) -> None:
        # Not "status": that member is the answer's HTTP status.
        super().__init__(f"sync task {task_id!r} is {status}", task_status=status)


class ConcurrentChange(Conflict):
    code, title = "concurrent-change", "Changed by someone else meanwhile"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was changed by another request meanwhile; try again")
