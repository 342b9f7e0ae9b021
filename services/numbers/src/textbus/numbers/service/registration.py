"""The tier limit across replicas: a registered number holds one of its tenant's registration slots.

Counting a tenant's registered numbers and then saving one more lets two registrations applied at
once on different partitions (two replicas, or one replica's concurrent batches) both pass the last
free place. A slot is taken by inserting its id, which succeeds once whoever else tries at the same
moment (MongoDB and FerretDB alike refuse a second document with one ``_id``), so no more numbers
than the limit can hold one. The consumer that owns a number (its partition) is the only one that
frees its slots.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from textbus.kit.clock import Clock
from textbus.numbers.domain import numbers as rules
from textbus.numbers.service.ports import Numbers, RegistrationSlots

log = logging.getLogger(__name__)


async def claim_tier_slot(
    slots: RegistrationSlots, tenant: str, number: str, tier_limit: int, at: datetime
) -> bool:
    """Hold one of the tenant's slots for the number: the one it already holds (a registration
    redelivered after a crash between its claim and its save), else the lowest free one; when another
    registration takes that one first, the next. False when none is free."""
    while True:
        held = await slots.held(tenant)
        if number in held.values():
            return True
        slot = rules.free_tier_slot(tenant, tier_limit, held.keys())
        if slot is None:
            return False
        if await slots.take(slot, tenant, number, at):
            return True


@dataclass
class SlotBackfill:
    """A database from before the slots: every registered number without a slot gets one, at start-up
    before the commands consumer runs. Idempotent; two replicas starting at once may both give a
    number a slot (it then counts twice until it is deleted), never more slots than the limit."""

    numbers: Numbers
    slots: RegistrationSlots
    tier_limit: int
    clock: Clock

    async def give_registered_numbers_slots(self) -> None:
        slotted = {number async for number in self.slots.holders()}
        registered: Counter[str] = Counter()
        missing: defaultdict[str, list[str]] = defaultdict(list)
        async for number, tenant in self.numbers.registered():
            registered[tenant] += 1
            if number not in slotted:
                missing[tenant].append(number)
        for tenant, numbers in missing.items():
            # A tenant registered past a limit lowered since gets a slot for each of its numbers, past
            # the limit too, so that it stays refused until enough of them are deleted.
            limit = max(self.tier_limit, registered[tenant])
            for number in sorted(numbers):
                if not await claim_tier_slot(self.slots, tenant, number, limit, self.clock()):
                    log.warning(
                        "registered number left without a tier slot",
                        extra={"tenant": tenant, "number": number},
                    )
