"""What the use cases need from the outside world."""

from typing import Protocol

from textbus.assignments.domain.users import User


class Users(Protocol):
    async def get(self, tenant: str, user_id: str) -> User | None: ...

    async def save(self, user: User, *, correlation_id: str | None) -> None:
        """Store the user and, in the same write, the UserUpserted event; then publish it."""
        ...

    async def list(self, tenant: str, *, skip: int, limit: int) -> tuple[list[User], int]: ...
