from datetime import UTC, datetime

import pytest

from textbus.assignments.domain.groups import Group, GroupRuleBroken, create_group, name_key, new_users
from textbus.assignments.domain.number_requests import NumberEntry

pytestmark = pytest.mark.unit

AT = datetime(2025, 1, 1, tzinfo=UTC)


def sales(numbers: tuple[str, ...] = ("+14155550101", "+14155550102")) -> Group:
    return create_group(
        tenant="acme",
        group_id="g1",
        name="Sales",
        owner_user_id="ann",
        member_user_ids=["bob", "cy"],
        numbers=list(numbers),
        requested_by="admin",
        operation_id="op1",
        at=AT,
    ).group


def entry(number: str, state: str, correlation_id: str = "op1") -> NumberEntry:
    return NumberEntry.model_validate({"number": number, "state": state, "correlation_id": correlation_id})


def test_a_new_group_asks_for_each_of_its_numbers_once() -> None:
    change = create_group(
        tenant="acme",
        group_id="g1",
        name="  Sales   Team ",
        owner_user_id="ann",
        member_user_ids=["bob", "bob", "cy"],
        numbers=["+14155550101", "+14155550102", "+14155550101"],
        requested_by="admin",
        operation_id="op1",
        at=AT,
    )

    assert change.group.name == "Sales Team"
    assert change.group.member_user_ids == ("bob", "cy")
    assert [(c.number, c.action, c.correlation_id) for c in change.commands] == [
        ("+14155550101", "assign", "op1"),
        ("+14155550102", "assign", "op1"),
    ]
    assert change.profile_changed
    assert new_users(change, None) == ["ann", "bob", "cy"]


def test_group_names_are_the_same_whatever_their_case_and_spacing() -> None:
    assert name_key("  Sales   TEAM") == name_key("sales team")


def test_a_blank_name_breaks_a_group_rule() -> None:
    with pytest.raises(GroupRuleBroken):
        create_group(
            tenant="acme",
            group_id="g1",
            name="   ",
            owner_user_id="ann",
            member_user_ids=[],
            numbers=[],
            requested_by="admin",
            operation_id="op1",
            at=AT,
        )


def test_a_number_assigned_or_pending_is_not_asked_for_again() -> None:
    group = sales()
    current = {
        "+14155550101": entry("+14155550101", "assigned"),
        "+14155550102": entry("+14155550102", "pending"),
    }

    change = group.update(
        current=current,
        numbers_add=["+14155550101", "+14155550102", "+14155550103"],
        requested_by="admin",
        operation_id="op2",
        at=AT,
    )

    assert [(c.number, c.action) for c in change.commands] == [("+14155550103", "assign")]
    assert not change.profile_changed


def test_a_refused_number_is_asked_for_again_when_added_again() -> None:
    change = sales().update(
        current={"+14155550101": entry("+14155550101", "refused")},
        numbers_add=["+14155550101"],
        requested_by="admin",
        operation_id="op2",
        at=AT,
    )

    assert [(c.number, c.action, c.correlation_id) for c in change.commands] == [
        ("+14155550101", "assign", "op2")
    ]
    assert [r.correlation_id for r in change.group.requests if r.number == "+14155550101"] == ["op2"]


def test_removing_a_number_unassigns_it_and_removing_a_refused_one_forgets_it() -> None:
    current = {
        "+14155550101": entry("+14155550101", "assigned"),
        "+14155550102": entry("+14155550102", "refused"),
    }

    change = sales().update(
        current=current,
        numbers_remove=["+14155550101", "+14155550102"],
        requested_by="admin",
        operation_id="op2",
        at=AT,
    )

    assert [(c.number, c.action) for c in change.commands] == [("+14155550101", "unassign")]
    assert [r.number for r in change.group.requests] == ["+14155550101"]


def test_a_member_both_added_and_removed_breaks_a_group_rule() -> None:
    with pytest.raises(GroupRuleBroken, match="members both added and removed: dee"):
        sales().update(
            current={},
            members_add=["dee"],
            members_remove=["dee"],
            requested_by="admin",
            operation_id="op2",
            at=AT,
        )


def test_changing_members_or_the_owner_is_a_membership_change() -> None:
    change = sales().update(
        current={},
        owner_user_id="dee",
        members_add=["eve", "bob"],
        members_remove=["cy"],
        requested_by="admin",
        operation_id="op2",
        at=AT,
    )

    assert change.group.member_user_ids == ("bob", "eve")
    assert change.membership is not None
    assert (change.membership.members_added, change.membership.members_removed) == (("eve",), ("cy",))
    assert change.membership.owner_changed
    assert change.profile_changed
    assert new_users(change, sales()) == ["dee", "eve"]


def test_a_rename_remembers_the_previous_name_to_release_it() -> None:
    renamed = sales().update(current={}, name="Support", requested_by="a", operation_id="op2", at=AT)
    recased = sales().update(current={}, name="SALES", requested_by="a", operation_id="op3", at=AT)

    assert renamed.previous_name == "Sales"
    assert recased.previous_name is None
    assert recased.group.name == "SALES"


def test_deleting_a_group_unassigns_its_assigned_and_pending_numbers_and_forgets_refused_ones() -> None:
    current = {
        "+14155550101": entry("+14155550101", "assigned"),
        "+14155550102": entry("+14155550102", "pending"),
        "+14155550103": entry("+14155550103", "refused"),
    }

    change = sales().delete(current=current, requested_by="admin", operation_id="op9", at=AT)

    assert change.group.deleted
    assert [(c.number, c.action, c.correlation_id) for c in change.commands] == [
        ("+14155550101", "unassign", "op9"),
        ("+14155550102", "unassign", "op9"),
    ]
