"""What use cases about users and groups share: their numbers now, and the checks on input."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterable, Sequence

from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.enterprises import Enterprise
from textbus.assignments.domain.number_requests import NumberEntry, NumberRequest, entries
from textbus.assignments.service.errors import DisabledUsers, EnterpriseNotFound, ForeignNumbers, UnknownUsers
from textbus.assignments.service.ports import Ports
from textbus.contracts import common

# How many times a use case reads and tries again when another writer got there first, and the
# longest pause between two tries (full jitter: a random pause up to 10 ms, 20 ms, ... this).
ATTEMPTS = 10
LONGEST_PAUSE_SECONDS = 0.5


async def attempts(count: int = ATTEMPTS) -> AsyncIterator[int]:
    """``async for _ in attempts():`` the tries of a write that may meet another writer; after the
    first, each waits a random pause that grows, so writers that collided spread out instead of
    colliding again (two replicas' writers of one document have nothing else to order them)."""
    for attempt in range(count):
        if attempt:
            await asyncio.sleep(random.uniform(0, pause_limit(attempt)))
        yield attempt


def pause_limit(attempt: int) -> float:
    """The longest pause before the ``attempt``-th try (counted from 0)."""
    return float(min(LONGEST_PAUSE_SECONDS, 0.01 * 2 ** (attempt - 1)))


async def current_entries(
    ports: Ports, tenant: str, assignee: Assignee, requests: Iterable[NumberRequest]
) -> dict[str, NumberEntry]:
    """The assignee's numbers by number: its requests, judged by what the numbers service reported."""
    requests = list(requests)
    held = await ports.numbers.held_by(tenant, assignee)
    outcomes = await ports.numbers.outcomes((r.number, r.correlation_id) for r in requests)
    return {e.number: e for e in entries(requests, held, outcomes)}


def assignee_of(wire: common.Assignee | None) -> Assignee | None:
    """An assignee as another service reported it, in this service's terms."""
    return Assignee(kind=wire.kind, id=wire.id) if wire is not None else None


async def require_enterprise(ports: Ports, tenant: str) -> Enterprise:
    enterprise = await ports.enterprises.get(tenant)
    if enterprise is None:
        raise EnterpriseNotFound(tenant)
    return enterprise


async def require_enabled_users(ports: Ports, tenant: str, user_ids: Sequence[str]) -> None:
    """Every user exists in this tenant (another tenant's users are unknown here) and is enabled."""
    if not user_ids:
        return
    found = await ports.users.get_many(tenant, user_ids)
    unknown = set(user_ids) - found.keys()
    if unknown:
        raise UnknownUsers(unknown)
    disabled = {u for u, user in found.items() if not user.enabled}
    if disabled:
        raise DisabledUsers(disabled)


async def require_numbers_of_tenant(ports: Ports, tenant: str, numbers: Iterable[str]) -> None:
    """Numbers known to belong to another tenant are refused at once.

    A number this service has not heard of yet is left to the numbers service,
    which refuses it (``not-found``) if it is not the tenant's.
    """
    facts = await ports.numbers.get_many(numbers)
    foreign = {n for n, fact in facts.items() if fact.tenant != tenant and not fact.deleted}
    if foreign:
        raise ForeignNumbers(foreign)
