"""A database from before the tier slots: at start-up every registered number gets one."""

from __future__ import annotations

import pytest

from tests.unit.numbers.fakes import FakeNumbers, FakeSlots, MovingClock, number_record
from textbus.numbers.service.ports import StoredNumber
from textbus.numbers.service.registration import SlotBackfill

pytestmark = pytest.mark.unit


def backfill(numbers: FakeNumbers, slots: FakeSlots, tier_limit: int = 3) -> SlotBackfill:
    return SlotBackfill(numbers=numbers, slots=slots, tier_limit=tier_limit, clock=MovingClock())


def registered(numbers: FakeNumbers, *registered: str, tenant: str = "acme") -> None:
    for number in registered:
        numbers.put(number_record(number, tenant=tenant, registration="registered"))


async def test_every_registered_number_without_a_slot_gets_a_free_one() -> None:
    numbers, slots = FakeNumbers(), FakeSlots()
    registered(numbers, "+14155550101", "+14155550102")
    registered(numbers, "+12125550101", tenant="globex")
    numbers.put(number_record("+14155550103"))  # not registered
    slots.hold("+14155550102", "acme/0")

    await backfill(numbers, slots).give_registered_numbers_slots()

    assert slots.slots == {
        "acme/0": ("acme", "+14155550102"),
        "acme/1": ("acme", "+14155550101"),
        "globex/0": ("globex", "+12125550101"),
    }


async def test_giving_slots_again_changes_nothing() -> None:
    numbers, slots = FakeNumbers(), FakeSlots()
    registered(numbers, "+14155550101", "+14155550102")
    await backfill(numbers, slots).give_registered_numbers_slots()
    given = dict(slots.slots)

    await backfill(numbers, slots).give_registered_numbers_slots()

    assert slots.slots == given


async def test_a_deleted_number_gets_no_slot() -> None:
    numbers, slots = FakeNumbers(), FakeSlots()
    numbers.stored["+14155550101"] = StoredNumber(record=None, applied=[])  # its tombstone

    await backfill(numbers, slots).give_registered_numbers_slots()

    assert slots.slots == {}


async def test_a_tenant_registered_past_its_limit_gets_a_slot_for_each_and_stays_full() -> None:
    numbers, slots = FakeNumbers(), FakeSlots()
    registered(numbers, *(f"+1415555010{i}" for i in range(4)))

    await backfill(numbers, slots, tier_limit=2).give_registered_numbers_slots()

    assert sorted(slots.slots) == ["acme/0", "acme/1", "acme/2", "acme/3"]


async def test_a_slot_another_replica_gives_first_is_not_given_twice_past_the_limit() -> None:
    numbers, slots = FakeNumbers(), FakeSlots()
    registered(numbers, "+14155550101", "+14155550102")
    # The other replica, starting at the same moment, gives +14155550101 the first slot.
    slots.taken_meanwhile = {"acme/0": "+14155550101"}

    await backfill(numbers, slots, tier_limit=2).give_registered_numbers_slots()

    assert slots.slots == {"acme/0": ("acme", "+14155550101"), "acme/1": ("acme", "+14155550102")}
