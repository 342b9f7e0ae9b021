"""The service chip: what the Services column shows for a number (seed 000)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChipState(StrEnum):
    NOT_CAPABLE = "not-sms-capable"
    UNASSIGNED = "sms-capable-unassigned"
    ASSIGNED = "assigned"
    ASSIGNED_WITH_ISSUES = "assigned-with-issues"


class Issue(StrEnum):
    NO_CARRIER_PROFILE = "no-carrier-profile"
    CARRIER_PROFILE_MISSING = "carrier-profile-missing"
    ASSIGNEE_MISSING = "assignee-missing"
    ASSIGNEE_DISABLED = "assignee-disabled"
    DOMAIN_SUBSCRIPTION_EXPIRED = "domain-subscription-expired"


@dataclass(frozen=True)
class ServiceChip:
    state: ChipState
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class ChipFacts:
    sms_capable: bool
    assigned: bool
    carrier_profile_id: str | None
    carrier_profile_exists: bool
    assignee_exists: bool
    assignee_enabled: bool
    domain_expired: bool


def service_chip(facts: ChipFacts) -> ServiceChip:
    """Not capable; capable and unassigned; assigned; or assigned with each issue named."""
    if not facts.sms_capable:
        return ServiceChip(ChipState.NOT_CAPABLE)
    if not facts.assigned:
        return ServiceChip(ChipState.UNASSIGNED)
    issues: list[Issue] = []
    if facts.carrier_profile_id is None:
        issues.append(Issue.NO_CARRIER_PROFILE)
    elif not facts.carrier_profile_exists:
        issues.append(Issue.CARRIER_PROFILE_MISSING)
    if not facts.assignee_exists:
        issues.append(Issue.ASSIGNEE_MISSING)
    elif not facts.assignee_enabled:
        issues.append(Issue.ASSIGNEE_DISABLED)
    if facts.domain_expired:
        issues.append(Issue.DOMAIN_SUBSCRIPTION_EXPIRED)
    return ServiceChip(ChipState.ASSIGNED_WITH_ISSUES if issues else ChipState.ASSIGNED, tuple(issues))
