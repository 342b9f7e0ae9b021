"""Use cases for directory users."""

from __future__ import annotations

from datetime import UTC, datetime

from textbus.assignments.domain.users import User
from textbus.assignments.service.ports import Users


async def save_user(
    users: Users,
    *,
    tenant: str,
    user_id: str,
    display_name: str,
    sign_in_name: str,
    enabled: bool,
    correlation_id: str | None = None,
) -> User:
    """Create or update a directory user; an unchanged user publishes nothing."""
    previous = await users.get(tenant, user_id)
    user = User(
        tenant=tenant,
        user_id=user_id,
        display_name=display_name,
        sign_in_name=sign_in_name,
        enabled=enabled,
        updated_at=datetime.now(UTC),
    )
    if not user.changed_from(previous):
        assert previous is not None
        return previous
    await users.save(user, correlation_id=correlation_id)
    return user
