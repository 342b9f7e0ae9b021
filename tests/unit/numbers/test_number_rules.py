"""The rules of a number's life: add, update, delete, assign, unassign, register, release."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.numbers.fakes import T0, number_record
from textbus.numbers.domain import numbers as rules
from textbus.numbers.domain.numbers import Assignee, AssigneeFacts, NumberRecord, Rejected

pytestmark = pytest.mark.unit

N = "+14155550100"
LATER = T0 + timedelta(days=1)
ANN = Assignee(kind="user", id="u-ann")
SALES = Assignee(kind="group", id="g-sales")
KNOWN = AssigneeFacts(exists=True, enabled=True)


def refusal(decision: Callable[[], object]) -> str:
    """Run a decision that must be refused; its code."""
    with pytest.raises(Rejected) as refused:
        decision()
    return refused.value.code


def add(
    existing: NumberRecord | None, *, carrier_profile_id: str | None = None, profile_known: bool = False
) -> NumberRecord:
    return rules.add_number(
        existing,
        number=N,
        tenant="acme",
        sms_capable=True,
        carrier_profile_id=carrier_profile_id,
        profile_known=profile_known,
        now=T0,
    )


def update(
    existing: NumberRecord | None,
    *,
    carrier_profile_id: str | None = None,
    clear_carrier_profile: bool = False,
    sms_capable: bool | None = None,
    profile_known: bool = True,
) -> NumberRecord:
    return rules.update_number(
        existing,
        number=N,
        tenant="acme",
        carrier_profile_id=carrier_profile_id,
        clear_carrier_profile=clear_carrier_profile,
        sms_capable=sms_capable,
        profile_known=profile_known,
        now=LATER,
    )


def assign(
    existing: NumberRecord | None,
    assignee: Assignee = ANN,
    facts: AssigneeFacts = KNOWN,
    replace: bool = False,
) -> NumberRecord:
    return rules.assign_number(
        existing,
        number=N,
        tenant="acme",
        assignee=assignee,
        assignee_facts=facts,
        replace_assignee=replace,
        now=LATER,
    )


def register(existing: NumberRecord | None) -> NumberRecord:
    return rules.register_number(existing, number=N, tenant="acme", now=LATER)


# Adding


def test_a_new_number_is_active_unassigned_and_unregistered() -> None:
    added = add(None, carrier_profile_id="p1", profile_known=True)

    assert added == number_record(N, carrier_profile_id="p1")


def test_a_number_exists_once_on_the_platform_whichever_tenant_adds_it() -> None:
    assert refusal(lambda: add(number_record(N, tenant="globex"))) == "already-exists"
    assert refusal(lambda: add(number_record(N))) == "already-exists"


def test_a_released_number_can_never_be_added_again() -> None:
    assert refusal(lambda: add(number_record(N, lifecycle="released"))) == "released"


def test_a_number_cannot_be_added_with_an_unknown_carrier_profile() -> None:
    assert (
        refusal(lambda: add(None, carrier_profile_id="p-x", profile_known=False)) == "carrier-profile-unknown"
    )


# Updating


def test_the_carrier_profile_is_set_or_cleared() -> None:
    with_profile = update(number_record(N), carrier_profile_id="p2")
    cleared = update(number_record(N, carrier_profile_id="p1"), clear_carrier_profile=True)

    assert (with_profile.carrier_profile_id, with_profile.updated_at) == ("p2", LATER)
    assert cleared.carrier_profile_id is None


def test_an_update_that_changes_nothing_leaves_the_record_as_it_was() -> None:
    record = number_record(N, carrier_profile_id="p1")

    assert update(record, carrier_profile_id="p1", sms_capable=True) is record


def test_the_capability_of_an_assigned_number_cannot_change() -> None:
    assigned = number_record(N, assignee=ANN)

    assert refusal(lambda: update(assigned, sms_capable=False)) == "number-assigned"
    assert update(assigned, carrier_profile_id="p2").assignee == ANN


def test_an_update_names_no_unknown_carrier_profile() -> None:
    assert refusal(lambda: update(number_record(N), carrier_profile_id="p-x", profile_known=False)) == (
        "carrier-profile-unknown"
    )


def test_a_released_number_cannot_be_updated() -> None:
    assert refusal(lambda: update(number_record(N, lifecycle="released"), sms_capable=False)) == "released"


def test_another_tenants_number_looks_exactly_like_a_missing_one() -> None:
    theirs = number_record(N, tenant="globex")

    assert refusal(lambda: update(theirs, sms_capable=False)) == "not-found"
    assert refusal(lambda: update(None, sms_capable=False)) == "not-found"
    assert refusal(lambda: assign(theirs)) == "not-found"


# Deleting


def test_an_unassigned_number_can_be_deleted() -> None:
    record = number_record(N)

    assert rules.delete_number(record, number=N, tenant="acme") is record


def test_an_assigned_number_cannot_be_deleted() -> None:
    assigned = number_record(N, assignee=ANN)

    assert refusal(lambda: rules.delete_number(assigned, number=N, tenant="acme")) == "number-assigned"


def test_a_released_number_is_kept_as_a_record_and_cannot_be_deleted() -> None:
    released = number_record(N, lifecycle="released")

    assert refusal(lambda: rules.delete_number(released, number=N, tenant="acme")) == "released"


# Assigning


def test_an_sms_capable_number_goes_to_a_known_enabled_assignee() -> None:
    assigned = assign(number_record(N))

    assert (assigned.assignee, assigned.updated_at) == (ANN, LATER)


def test_a_number_that_is_not_sms_capable_cannot_be_assigned() -> None:
    assert refusal(lambda: assign(number_record(N, sms_capable=False))) == "not-sms-capable"


def test_an_assigned_number_moves_only_when_asked_to_replace_its_assignee() -> None:
    assigned = number_record(N, assignee=ANN)

    assert refusal(lambda: assign(assigned, SALES)) == "already-assigned"
    assert assign(assigned, SALES, replace=True).assignee == SALES


def test_assigning_the_current_assignee_again_changes_nothing() -> None:
    assigned = number_record(N, assignee=ANN)

    assert assign(assigned, ANN) is assigned


def test_an_unknown_or_disabled_assignee_is_refused() -> None:
    unknown = AssigneeFacts(exists=False, enabled=False)
    disabled = AssigneeFacts(exists=True, enabled=False)

    assert refusal(lambda: assign(number_record(N), facts=unknown)) == "assignee-unknown"
    assert refusal(lambda: assign(number_record(N), facts=disabled)) == "assignee-disabled"


def test_a_released_number_is_never_assigned_again() -> None:
    assert refusal(lambda: assign(number_record(N, lifecycle="released"))) == "released"


# Unassigning


def test_an_assigned_number_is_unassigned() -> None:
    unassigned = rules.unassign_number(
        number_record(N, assignee=ANN), number=N, tenant="acme", expected_assignee=None, now=LATER
    )

    assert (unassigned.assignee, unassigned.updated_at) == (None, LATER)


def test_an_unassigned_number_cannot_be_unassigned() -> None:
    assert refusal(
        lambda: rules.unassign_number(
            number_record(N), number=N, tenant="acme", expected_assignee=None, now=LATER
        )
    ) == ("not-assigned")


def test_unassigning_an_expected_assignee_refuses_when_the_number_moved_meanwhile() -> None:
    moved = number_record(N, assignee=SALES)

    assert refusal(
        lambda: rules.unassign_number(moved, number=N, tenant="acme", expected_assignee=ANN, now=LATER)
    ) == ("assignee-mismatch")


# Registering


def test_an_active_number_of_the_tenant_is_registered() -> None:
    registered = register(number_record(N))

    assert (registered.registration, registered.updated_at) == ("registered", LATER)


def test_registering_a_registered_number_again_changes_nothing() -> None:
    registered = number_record(N, registration="registered")

    assert register(registered) is registered


def test_a_released_number_cannot_be_registered() -> None:
    assert refusal(lambda: register(number_record(N, lifecycle="released"))) == "released"


def test_another_tenants_number_cannot_be_registered() -> None:
    assert refusal(lambda: register(number_record(N, tenant="globex"))) == "not-found"


def test_a_registered_number_counts_against_the_tier_limit_until_it_is_deleted_even_released() -> None:
    registered = number_record(N, registration="registered")

    assert rules.counts_against_tier_limit(registered)
    assert rules.counts_against_tier_limit(replace(registered, lifecycle="released"))
    assert not rules.counts_against_tier_limit(None)  # deleted
    assert not rules.counts_against_tier_limit(number_record(N))


def test_a_registration_takes_the_lowest_free_slot_of_its_tenant() -> None:
    assert rules.free_tier_slot("acme", 3, set()) == "acme/0"
    assert rules.free_tier_slot("acme", 3, {"acme/0", "acme/2"}) == "acme/1"


def test_no_slot_is_free_once_the_tenant_holds_its_limits_worth() -> None:
    assert rules.free_tier_slot("acme", 2, {"acme/0", "acme/1"}) is None
    # Slots past a limit lowered since count too: the tenant stays refused until enough are deleted.
    assert rules.free_tier_slot("acme", 2, {"acme/1", "acme/5"}) is None


def test_the_refusal_at_the_tier_limit_names_the_limit() -> None:
    refused = rules.tier_limit_reached(400)

    assert (refused.code, "400 registered numbers" in refused.detail) == ("tier-limit-reached", True)


# Releasing


def test_a_released_number_is_unassigned_and_kept_as_a_record() -> None:
    released = rules.release_number(number_record(N, assignee=ANN), number=N, tenant="acme", now=LATER)

    assert (released.lifecycle, released.assignee, released.updated_at) == ("released", None, LATER)


def test_releasing_a_released_number_again_changes_nothing() -> None:
    released = number_record(N, lifecycle="released")

    assert rules.release_number(released, number=N, tenant="acme", now=LATER) is released
