from datetime import UTC, datetime, timedelta

import pytest

from textbus.assignments.domain.assignees import Assignee
from textbus.assignments.domain.enterprises import Enterprise, SmsSettingsChange
from textbus.assignments.domain.numbers import NumberFact, assignment_change

pytestmark = pytest.mark.unit

AT = datetime(2025, 1, 1, tzinfo=UTC)
ANN = Assignee(kind="user", id="ann")


def test_a_settings_change_keeps_what_it_leaves_out_and_bumps_the_version() -> None:
    acme = Enterprise(enterprise_id="acme", name="Acme", created_at=AT, updated_at=AT)

    changed = acme.with_settings(SmsSettingsChange(connector_app="legacy", secure_sms=True), AT)

    assert (changed.settings.connector_app, changed.settings.secure_sms, changed.settings.group_texting) == (
        "legacy",
        True,
        False,
    )
    assert changed.version == acme.version + 1
    assert acme.with_settings(SmsSettingsChange(connector_app="unified"), AT) is acme


def fact(assignee: Assignee | None, at: datetime = AT) -> NumberFact:
    return NumberFact(
        number="+14155550101",
        tenant="acme",
        assignee=assignee,
        sms_capable=True,
        lifecycle="active",
        updated_at=at,
    )


def test_an_assignment_change_is_measured_against_what_was_known() -> None:
    change = assignment_change("e1", fact(None), None, fact(ANN, AT + timedelta(seconds=1)))

    assert change is not None and (change.before, change.after, change.cause) == (
        None,
        ANN,
        "number-assigned",
    )
    assert assignment_change("e2", fact(ANN), None, fact(ANN, AT + timedelta(seconds=1))) is None


def test_the_events_own_previous_assignee_counts_for_a_number_not_seen_before() -> None:
    change = assignment_change("e1", None, ANN, fact(None))

    assert change is not None and change.cause == "number-unassigned"
