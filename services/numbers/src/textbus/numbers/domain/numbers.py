"""The rules of a phone number's life in the inventory (seeds 000 and 004).

Every decision takes the number's current record (or None) and the facts it
needs, and returns the new record, or raises ``Rejected``. No I/O: the service
layer loads the facts, stores the outcome and answers each command with its
event (the command says which, even when nothing changed).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

Registration = Literal["unregistered", "registered"]
Lifecycle = Literal["active", "released"]


@dataclass(frozen=True)
class Assignee:
    """Who a number is assigned to: one user (one-to-one) or one SMS group (one-to-many)."""

    kind: Literal["user", "group"]
    id: str


class Rejected(Exception):
    """A command that the rules refuse; nothing changes. ``code`` is machine-readable."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class NumberRecord:
    number: str
    tenant: str
    sms_capable: bool
    carrier_profile_id: str | None
    assignee: Assignee | None
    registration: Registration
    lifecycle: Lifecycle
    created_at: datetime
    updated_at: datetime

    @property
    def is_assigned(self) -> bool:
        return self.assignee is not None


@dataclass(frozen=True)
class AssigneeFacts:
    """What the numbers service knows of an assignee from the assignments service's events."""

    exists: bool
    enabled: bool


def _in_tenant(record: NumberRecord | None, tenant: str, number: str) -> NumberRecord:
    # Another tenant's number is answered exactly like a missing one: nothing leaks across tenants.
    if record is None or record.tenant != tenant:
        raise Rejected("not-found", f"{number} is not in this enterprise's inventory")
    return record


def _not_released(record: NumberRecord) -> None:
    if record.lifecycle == "released":
        raise Rejected("released", f"{record.number} was released and is kept only as a record")


def add_number(
    existing: NumberRecord | None,
    *,
    number: str,
    tenant: str,
    sms_capable: bool,
    carrier_profile_id: str | None,
    profile_known: bool,
    now: datetime,
) -> NumberRecord:
    """A number exists once platform-wide; a released number never comes back."""
    if existing is not None:
        if existing.lifecycle == "released" and existing.tenant == tenant:
            raise Rejected("released", f"{number} was released and can never be added again")
        raise Rejected("already-exists", f"{number} is already on the platform")
    if carrier_profile_id is not None and not profile_known:
        raise Rejected("carrier-profile-unknown", f"carrier profile {carrier_profile_id!r} does not exist")
    record = NumberRecord(
        number=number,
        tenant=tenant,
        sms_capable=sms_capable,
        carrier_profile_id=carrier_profile_id,
        assignee=None,
        registration="unregistered",
        lifecycle="active",
        created_at=now,
        updated_at=now,
    )
    return record


def update_number(
    existing: NumberRecord | None,
    *,
    number: str,
    tenant: str,
    carrier_profile_id: str | None,
    clear_carrier_profile: bool,
    sms_capable: bool | None,
    profile_known: bool,
    now: datetime,
) -> NumberRecord:
    """Carrier profile and SMS capability; capability never changes while the number is assigned."""
    record = _in_tenant(existing, tenant, number)
    _not_released(record)
    if sms_capable is not None and sms_capable != record.sms_capable and record.is_assigned:
        raise Rejected("number-assigned", f"{number} is assigned: unassign it before changing SMS capability")
    if carrier_profile_id is not None and not profile_known:
        raise Rejected("carrier-profile-unknown", f"carrier profile {carrier_profile_id!r} does not exist")
    profile = None if clear_carrier_profile else (carrier_profile_id or record.carrier_profile_id)
    capable = record.sms_capable if sms_capable is None else sms_capable
    if (profile, capable) == (record.carrier_profile_id, record.sms_capable):
        return record
    return replace(record, carrier_profile_id=profile, sms_capable=capable, updated_at=now)


def delete_number(existing: NumberRecord | None, *, number: str, tenant: str) -> NumberRecord:
    """Only an unassigned, active number can be deleted; a released one stays as a record."""
    record = _in_tenant(existing, tenant, number)
    _not_released(record)
    if record.is_assigned:
        raise Rejected("number-assigned", f"{number} is assigned: unassign it before deleting it")
    return record


def assign_number(
    existing: NumberRecord | None,
    *,
    number: str,
    tenant: str,
    assignee: Assignee,
    assignee_facts: AssigneeFacts,
    replace_assignee: bool,
    now: datetime,
) -> NumberRecord:
    """Only an SMS-capable, active, unassigned number goes to an existing, enabled assignee.

    With ``replace_assignee`` an assigned number moves to the new assignee (the
    portal's "change assignee"); without it, an assigned number is a conflict.
    """
    record = _in_tenant(existing, tenant, number)
    _not_released(record)
    if not record.sms_capable:
        raise Rejected("not-sms-capable", f"{number} is not SMS capable")
    if record.assignee == assignee:
        return record
    if record.is_assigned and not replace_assignee:
        assert record.assignee is not None
        raise Rejected(
            "already-assigned", f"{number} is already assigned to {record.assignee.kind} {record.assignee.id}"
        )
    if not assignee_facts.exists:
        raise Rejected("assignee-unknown", f"no {assignee.kind} {assignee.id!r} in this enterprise")
    if not assignee_facts.enabled:
        raise Rejected("assignee-disabled", f"{assignee.kind} {assignee.id!r} is disabled")
    return replace(record, assignee=assignee, updated_at=now)


def unassign_number(
    existing: NumberRecord | None,
    *,
    number: str,
    tenant: str,
    expected_assignee: Assignee | None,
    now: datetime,
) -> NumberRecord:
    record = _in_tenant(existing, tenant, number)
    if record.assignee is None:
        raise Rejected("not-assigned", f"{number} is not assigned")
    if expected_assignee is not None and record.assignee != expected_assignee:
        raise Rejected(
            "assignee-mismatch",
            f"{number} is assigned to {record.assignee.kind} {record.assignee.id}, "
            f"not {expected_assignee.kind} {expected_assignee.id}",
        )
    return replace(record, assignee=None, updated_at=now)


def register_number(
    existing: NumberRecord | None, *, number: str, tenant: str, now: datetime
) -> NumberRecord:
    """Registration counts against the enterprise's tier limit (400 for the low-volume tier, seed 004):
    a number this registers is stored only once it holds one of the tenant's slots (``free_tier_slot``),
    claimed after every rule here has passed; with none free it is refused (``tier_limit_reached``)."""
    record = _in_tenant(existing, tenant, number)
    _not_released(record)
    if record.registration == "registered":
        return record
    return replace(record, registration="registered", updated_at=now)


def counts_against_tier_limit(record: NumberRecord | None) -> bool:
    """A registered number counts until it is deleted (None); a released one is kept as a record, and
    still counts."""
    return record is not None and record.registration == "registered"


def tier_slots(tenant: str, tier_limit: int) -> list[str]:
    """The tenant's registration slots, lowest first: one for each registered number it may have."""
    return [f"{tenant}/{k}" for k in range(tier_limit)]


def free_tier_slot(tenant: str, tier_limit: int, held: Collection[str]) -> str | None:
    """The lowest of the tenant's slots that no number holds; None once it holds its limit's worth,
    counting slots past the limit (a tenant registered past a limit lowered since stays refused)."""
    if len(held) >= tier_limit:
        return None
    return next((slot for slot in tier_slots(tenant, tier_limit) if slot not in held), None)


def tier_limit_reached(tier_limit: int) -> Rejected:
    return Rejected(
        "tier-limit-reached",
        f"the enterprise has {tier_limit} registered numbers, its tier limit: delete one to register another",
    )


def release_number(existing: NumberRecord | None, *, number: str, tenant: str, now: datetime) -> NumberRecord:
    """Released: unassigned, never assignable again, kept as a record (seed 004)."""
    record = _in_tenant(existing, tenant, number)
    if record.lifecycle == "released":
        return record
    return replace(record, lifecycle="released", assignee=None, updated_at=now)
