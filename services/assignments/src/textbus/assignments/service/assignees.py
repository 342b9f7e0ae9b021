"""What use cases about users and groups share: their numbers now, and the checks on input."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textbus.assignments.domain.enterprises import Enterprise
from textbus.assignments.domain.number_requests import NumberEntry, NumberRequest, entries
from textbus.assignments.service.errors import DisabledUsers, ForeignNumbers, UnknownUsers
from textbus.assignments.service.ports import Ports
from textbus.contracts.common import Assignee
from textbus.kit.problems import EnterpriseNotFound

# How many times a use case re-reads and retries when another writer got there first.
ATTEMPTS = 3


async def current_entries(
    ports: Ports, tenant: str, assignee: Assignee, requests: Iterable[NumberRequest]
) -> dict[str, NumberEntry]:
    """The assignee's numbers by number: its requests, judged by what the numbers service reported."""
    requests = list(requests)
    held = await ports.numbers.held_by(tenant, assignee)
    outcomes = await ports.numbers.outcomes((r.number, r.correlation_id) for r in requests)
    return {e.number: e for e in entries(requests, held, outcomes)}


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
