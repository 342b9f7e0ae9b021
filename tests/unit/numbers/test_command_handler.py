"""The numbers command handler over fakes of its ports: each command applied once and answered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.numbers.fakes import (
    T0,
    FakeFacts,
    FakeNumbers,
    FakeOutcomes,
    MovingClock,
    number_record,
)
from textbus.contracts import Envelope
from textbus.contracts.common import Assignee as WireAssignee
from textbus.contracts.numbers.v1 import (
    AddNumber,
    AssignNumber,
    NumberAdded,
    NumberAssigned,
    NumberCommand,
    NumberCommandRejected,
    RegisterNumber,
    ReleaseNumber,
)
from textbus.numbers.domain.numbers import Assignee, AssigneeFacts
from textbus.numbers.service.commands import ASSIGNEE_GRACE, CommandHandler
from textbus.numbers.service.lifecycle import INACTIVITY
from textbus.numbers.service.ports import Decided, Position

pytestmark = pytest.mark.unit

N = "+14155550100"
ANN = Assignee(kind="user", id="u-ann")


@pytest.fixture
def numbers() -> FakeNumbers:
    return FakeNumbers()


@pytest.fixture
def facts() -> FakeFacts:
    return FakeFacts()


@pytest.fixture
def outcomes() -> FakeOutcomes:
    return FakeOutcomes()


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def handler(
    numbers: FakeNumbers, facts: FakeFacts, outcomes: FakeOutcomes, clock: MovingClock
) -> CommandHandler:
    return CommandHandler(numbers=numbers, facts=facts, outcomes=outcomes, tier_limit=2, clock=clock)


def command(payload: NumberCommand, tenant: str = "acme") -> Envelope:
    envelope = Envelope.wrap(payload, source="test", subject=payload.number, tenant=tenant)
    return envelope.model_copy(update={"time": T0})


def assign_ann(in_flight: bool = False) -> Envelope:
    return command(
        AssignNumber(
            number=N,
            requested_by="admin",
            assignee=WireAssignee(kind="user", id="u-ann"),
            assignee_in_flight=in_flight,
        )
    )


async def apply(handler: CommandHandler, envelope: Envelope, offset: int = 0) -> Decided:
    """One command as the consumer runs it: applied, then settled with its batch."""
    decided = await handler.execute(envelope)
    await handler.settle([(decided, Position(partition=0, offset=offset))])
    return decided


async def test_a_command_is_applied_once_and_answered_with_its_event(
    handler: CommandHandler, numbers: FakeNumbers, outcomes: FakeOutcomes
) -> None:
    add = command(AddNumber(number=N, requested_by="admin", sms_capable=True))

    decided = await apply(handler, add)

    assert numbers.record(N) == number_record(N)
    assert [type(e.data) for e in numbers.events] == [NumberAdded]
    assert numbers.events[0].correlation_id == str(add.id)
    assert (decided.outcome.status, outcomes.by_id[add.id].status) == ("applied", "applied")


async def test_a_redelivered_command_changes_nothing(
    handler: CommandHandler, numbers: FakeNumbers, outcomes: FakeOutcomes
) -> None:
    add = command(AddNumber(number=N, requested_by="admin", sms_capable=True))
    await apply(handler, add)

    again = await apply(handler, add)

    assert (numbers.saves, len(numbers.events), len(outcomes.by_id)) == (1, 1, 1)
    assert again.outcome == outcomes.by_id[add.id]
    assert numbers.deliveries == 1  # what a crash may have left queued is published


async def test_a_command_redelivered_before_its_outcome_was_recorded_changes_nothing(
    handler: CommandHandler, numbers: FakeNumbers, outcomes: FakeOutcomes
) -> None:
    add = command(AddNumber(number=N, requested_by="admin", sms_capable=True))
    await handler.execute(add)  # stored; a crash before the batch settled

    again = await apply(handler, add)

    assert (numbers.saves, again.outcome.status, outcomes.by_id[add.id].status) == (1, "applied", "applied")


async def test_a_rejection_is_recorded_with_its_event_and_changes_nothing(
    handler: CommandHandler, numbers: FakeNumbers, outcomes: FakeOutcomes
) -> None:
    numbers.put(number_record(N, sms_capable=False))
    assign = assign_ann()

    decided = await apply(handler, assign)

    assert (decided.outcome.status, decided.outcome.code) == ("rejected", "not-sms-capable")
    assert numbers.saves == 0
    [event] = outcomes.events
    assert isinstance(event.data, NumberCommandRejected)
    assert (event.data.code, event.data.command_type, event.correlation_id) == (
        "not-sms-capable",
        AssignNumber.TYPE,
        str(assign.id),
    )


async def test_an_unknown_assignee_is_refused_at_once_without_assignee_in_flight(
    handler: CommandHandler, numbers: FakeNumbers, facts: FakeFacts
) -> None:
    numbers.put(number_record(N))
    facts.arrives_after = 3  # it would arrive, but nothing said it was on its way

    decided = await apply(handler, assign_ann())

    assert (decided.outcome.code, facts.assignee_lookups) == ("assignee-unknown", 1)


async def test_an_assignee_in_flight_is_waited_for_until_its_event_arrives(
    handler: CommandHandler, numbers: FakeNumbers, facts: FakeFacts
) -> None:
    numbers.put(number_record(N))
    facts.arrives_after = 1

    decided = await apply(handler, assign_ann(in_flight=True))

    assert (decided.outcome.status, facts.assignee_lookups) == ("applied", 2)
    assert numbers.record(N) == number_record(N, assignee=ANN, updated_at=T0)


async def test_an_assignee_in_flight_that_never_arrives_is_refused_after_the_grace_period(
    handler: CommandHandler, numbers: FakeNumbers, facts: FakeFacts, clock: MovingClock
) -> None:
    numbers.put(number_record(N))
    clock.step = ASSIGNEE_GRACE / 2 + timedelta(milliseconds=1)

    decided = await apply(handler, assign_ann(in_flight=True))

    assert decided.outcome.code == "assignee-unknown"
    assert 1 < facts.assignee_lookups <= 3


async def test_assigning_the_current_assignee_still_answers_number_assigned(
    handler: CommandHandler, numbers: FakeNumbers, facts: FakeFacts
) -> None:
    numbers.put(number_record(N, assignee=ANN))
    facts.assignees[("acme", ANN)] = AssigneeFacts(exists=True, enabled=True)

    await apply(handler, assign_ann())

    [event] = numbers.events
    assert isinstance(event.data, NumberAssigned)
    assert event.data.previous_assignee == event.data.state.assignee == WireAssignee(kind="user", id="u-ann")


async def test_registrations_stop_at_the_tier_limit(handler: CommandHandler, numbers: FakeNumbers) -> None:
    for n in ("+14155550101", "+14155550102"):
        numbers.put(number_record(n, registration="registered"))
    numbers.put(number_record(N))
    numbers.put(number_record("+14155550199", tenant="globex"))

    refused = await apply(handler, command(RegisterNumber(number=N, requested_by="admin")))
    elsewhere = await apply(
        handler, command(RegisterNumber(number="+14155550199", requested_by="admin"), "globex")
    )

    assert (refused.outcome.code, elsewhere.outcome.status) == ("tier-limit-reached", "applied")


async def test_an_inactivity_release_is_refused_when_the_number_had_activity_since(
    handler: CommandHandler, numbers: FakeNumbers, facts: FakeFacts, clock: MovingClock
) -> None:
    numbers.put(number_record(N))
    clock.now = T0 + timedelta(days=200)
    facts.activity[N] = T0 + timedelta(days=150)

    decided = await apply(
        handler, command(ReleaseNumber(number=N, requested_by="sweeper", reason=INACTIVITY))
    )

    assert (decided.outcome.code, numbers.saves) == ("still-active", 0)
