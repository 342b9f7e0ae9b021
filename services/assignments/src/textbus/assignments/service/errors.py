"""Why a use case refuses: plain errors with what a caller needs to fix the request.

They know nothing of HTTP; the REST entrypoints answer each with its problem
(see ``entrypoints/http/problems.py``).
"""

from __future__ import annotations

from collections.abc import Iterable


class EnterpriseNotFound(Exception):
    def __init__(self, enterprise_id: str) -> None:
        super().__init__(f"there is no enterprise {enterprise_id!r}")
        self.enterprise_id = enterprise_id


class EnterpriseExists(Exception):
    def __init__(self, enterprise_id: str) -> None:
        super().__init__(f"enterprise {enterprise_id!r} exists already")
        self.enterprise_id = enterprise_id


class UserNotFound(Exception):
    def __init__(self, tenant: str, user_id: str) -> None:
        super().__init__(f"no user {user_id!r} in tenant {tenant!r}")
        self.tenant, self.user_id = tenant, user_id


class GroupNotFound(Exception):
    def __init__(self, tenant: str, group_id: str) -> None:
        super().__init__(f"no SMS group {group_id!r} in tenant {tenant!r}")
        self.tenant, self.group_id = tenant, group_id


class GroupNameTaken(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"another SMS group in this tenant is called {name!r}")
        self.name = name


class UnknownUsers(Exception):
    def __init__(self, user_ids: Iterable[str]) -> None:
        self.user_ids = sorted(user_ids)
        super().__init__(f"no such users in this tenant: {', '.join(self.user_ids)}")


class DisabledUsers(Exception):
    def __init__(self, user_ids: Iterable[str]) -> None:
        self.user_ids = sorted(user_ids)
        super().__init__(f"these users are disabled: {', '.join(self.user_ids)}")


class ForeignNumbers(Exception):
    def __init__(self, numbers: Iterable[str]) -> None:
        self.numbers = sorted(numbers)
        super().__init__(f"these numbers belong to another tenant: {', '.join(self.numbers)}")


class GroupRuleViolated(Exception):
    """The message says which rule and which field."""


class NumberNotHeld(Exception):
    def __init__(self, user_id: str, number: str) -> None:
        super().__init__(f"user {user_id!r} has no number {number} and none is on its way")
        self.user_id, self.number = user_id, number


class TaskNotFound(Exception):
    def __init__(self, task_id: str) -> None:
        super().__init__(f"there is no sync task {task_id!r}")
        self.task_id = task_id


class TaskNotOpen(Exception):
    def __init__(self, task_id: str, status: str) -> None:
        super().__init__(f"sync task {task_id!r} is {status}")
        self.task_id, self.task_status = task_id, status


class ConcurrentChange(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was changed by another request meanwhile; try again")
        self.what = what
