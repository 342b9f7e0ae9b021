"""The numbers command handler over fakes of its ports: each command applied once and answered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.numbers.fakes import (
    T0,
    FakeFacts,
    FakeNumbers,
    FakeOutcomes,
    FakeSlots,
    MovingClock,
    number_record,
)
from textbus.contracts import Envelope
from textbus.contracts.common import Assignee as WireAssignee
from textbus.contracts.numbers.v1 import (
    AddNumber,
    AssignNumber,
    DeleteNumber,
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
def slots() -> FakeSlots:
    return FakeSlots()


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def handler(
    numbers: FakeNumbers, facts: FakeFacts, outcomes: FakeOutcomes, slots: FakeSlots, clock: MovingClock
) -> CommandHandler:
    return CommandHandler(
        numbers=numbers,
        facts=facts,
        outcomes=outcomes,
        tier_limit=2,
        slots=slots,
        clock=clock,
    )


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


def register(number: str = N, tenant: str = "acme") -> Envelope:
    return command(RegisterNumber(number=number, requested_by="admin"), tenant)


async def test_a_registration_holds_the_lowest_free_slot_of_its_tenant(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    numbers.put(number_record(N))
    slots.hold("+14155550101", "acme/0")

    decided = await apply(handler, register())

    assert (decided.outcome.status, slots.of(N)) == ("applied", ["acme/1"])
    assert (numbers.record(N) or number_record()).registration == "registered"


async def test_registrations_stop_when_every_slot_of_the_tenant_is_held(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    for n, slot in (("+14155550101", "acme/0"), ("+14155550102", "acme/1")):
        numbers.put(number_record(n, registration="registered"))
        slots.hold(n, slot)
    numbers.put(number_record(N))
    numbers.put(number_record("+14155550199", tenant="globex"))

    refused = await apply(handler, register())
    elsewhere = await apply(handler, register("+14155550199", "globex"))

    assert (refused.outcome.code, elsewhere.outcome.status) == ("tier-limit-reached", "applied")
    assert "2 registered numbers" in (refused.outcome.detail or "")
    assert ((numbers.record(N) or number_record()).registration, slots.of(N)) == ("unregistered", [])


async def test_a_slot_another_replica_takes_first_sends_the_registration_to_the_next_one(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    numbers.put(number_record(N))
    slots.taken_meanwhile = {"acme/0": "+14155550101"}

    decided = await apply(handler, register())

    assert (decided.outcome.status, slots.of(N), slots.of("+14155550101")) == (
        "applied",
        ["acme/1"],
        ["acme/0"],
    )


async def test_a_registration_is_refused_when_other_replicas_take_the_last_slots_first(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    numbers.put(number_record(N))
    slots.taken_meanwhile = {"acme/0": "+14155550101", "acme/1": "+14155550102"}

    decided = await apply(handler, register())

    assert (decided.outcome.code, numbers.saves, slots.of(N)) == ("tier-limit-reached", 0, [])


async def test_a_registration_redelivered_after_a_crash_between_claim_and_save_reuses_its_slot(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    numbers.put(number_record(N))
    numbers.failing_saves = 1
    registration = register()
    with pytest.raises(ConnectionError):
        await handler.execute(registration)
    assert slots.of(N) == ["acme/0"]

    decided = await apply(handler, registration)

    assert (decided.outcome.status, slots.of(N), sorted(slots.slots)) == ("applied", ["acme/0"], ["acme/0"])
    assert (numbers.record(N) or number_record()).registration == "registered"


async def test_a_registration_refused_by_another_rule_holds_no_slot(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    numbers.put(number_record(N, lifecycle="released"))

    decided = await apply(handler, register())

    assert (decided.outcome.code, slots.slots) == ("released", {})


async def test_registering_a_registered_number_again_takes_no_slot_even_when_none_is_free(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    numbers.put(number_record(N, registration="registered"))
    slots.hold(N, "acme/0")
    slots.hold("+14155550101", "acme/1")

    decided = await apply(handler, register())

    assert (decided.outcome.status, slots.of(N)) == ("applied", ["acme/0"])


async def test_deleting_a_registered_number_frees_every_slot_it_holds_before_it_is_saved(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    numbers.put(number_record(N, registration="registered"))
    slots.hold(N, "acme/0", "acme/1")  # two consumers handled its registration during a rebalance
    numbers.failing_saves = 1
    delete = command(DeleteNumber(number=N, requested_by="admin"))
    with pytest.raises(ConnectionError):
        await handler.execute(delete)
    assert (slots.slots, numbers.record(N) is not None) == ({}, True)  # freed, not deleted yet

    decided = await apply(handler, delete)  # the redelivery deletes it

    assert (decided.outcome.status, numbers.record(N), slots.slots) == ("applied", None, {})


async def test_a_freed_slot_is_taken_by_the_next_registration(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    for n, slot in ((N, "acme/0"), ("+14155550101", "acme/1")):
        numbers.put(number_record(n, registration="registered"))
        slots.hold(n, slot)
    numbers.put(number_record("+14155550102"))

    await apply(handler, command(DeleteNumber(number=N, requested_by="admin")))
    decided = await apply(handler, register("+14155550102"))

    assert (decided.outcome.status, slots.of("+14155550102")) == ("applied", ["acme/0"])


async def test_a_released_number_keeps_its_slot(
    handler: CommandHandler, numbers: FakeNumbers, slots: FakeSlots
) -> None:
    numbers.put(number_record(N, registration="registered"))
    slots.hold(N, "acme/0")

    await apply(handler, command(ReleaseNumber(number=N, requested_by="admin", reason="ported out")))

    assert ((numbers.record(N) or number_record()).lifecycle, slots.of(N)) == ("released", ["acme/0"])


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
