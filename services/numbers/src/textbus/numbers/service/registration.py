"""The tier limit across replicas: a registered number holds one of its tenant's registration slots.

Counting a tenant's registered numbers and then saving one more lets two registrations applied at
once on different partitions (two replicas, or one replica's concurrent batches) both pass the last
free place. A slot is taken by inserting its id, which succeeds once whoever else tries at the same
moment (MongoDB and FerretDB alike refuse a second document with one ``_id``), so no more numbers
than the limit can hold one. The consumer that owns a number (its partition) is the only one that
frees its slots.
"""

from __future__ import annotations

from datetime import datetime

from textbus.numbers.domain import numbers as rules
from textbus.numbers.service.ports import RegistrationSlots


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
