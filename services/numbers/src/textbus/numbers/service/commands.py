"""Applying commands of numbers.commands.v1: the numbers service's single writer per number.

The command's partition owns the number, and its consumer applies each
number's commands in order, so load-decide-store has no race. A
redelivered command (crash before the offset commit) finds its envelope id on
the number or its recorded outcome, and changes nothing a second time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    NumberDeleted,
    NumberEvent,
    NumberReleased,
    NumberState,
    NumberUnassigned,
    NumberUpdated,
    RegisterNumber,
    ReleaseNumber,
    UnassignNumber,
    UpdateNumber,
)
from textbus.kit.bus import Command
from textbus.kit.clock import Clock
from textbus.kit.concurrency import all_settled
from textbus.numbers.domain import numbers as rules
from textbus.numbers.domain.lifecycle import inactivity
from textbus.numbers.domain.numbers import Assignee, AssigneeFacts, NumberRecord, Rejected
from textbus.numbers.service.lifecycle import INACTIVITY
from textbus.numbers.service.ports import (
    Decided,
    Facts,
    Numbers,
    Outcome,
    Outcomes,
    Position,
    RegistrationSlots,
)
from textbus.numbers.service.registration import claim_tier_slot

SOURCE = "numbers"
# An assignee whose creation is in flight may not have reached our read model yet
# (its event and the command travel on different topics): wait this long for it.
ASSIGNEE_GRACE = timedelta(seconds=10)


@dataclass(frozen=True)
class SettleBatch(Command[None]):
    """What follows a batch of commands once each is decided (``CommandHandler.settle``)."""

    decided: tuple[tuple[Decided, Position], ...]


@dataclass
class CommandHandler:
    numbers: Numbers
    facts: Facts
    outcomes: Outcomes
    tier_limit: int
    slots: RegistrationSlots
    clock: Clock

    async def execute(self, envelope: Envelope) -> Decided:
        """Apply one command; its outcome is recorded by ``settle``, with the rest of its batch.
        The caller runs each number's commands in order, different numbers at once."""
        command = envelope.data
        assert isinstance(command, NumberCommand)
        return await self._execute(envelope, command)

    async def settle(self, decided: Sequence[tuple[Decided, Position]]) -> None:
        """After a batch is applied: the outcomes (what a waiting requester sees), then the jobs'
        progress. A crash in between is redone by the redelivered batch, each step changing nothing
        the second time."""
        await all_settled(*(self.outcomes.record(d.outcome, d.rejection) for d, _ in decided))
        await self.outcomes.count_jobs([(d.outcome, position) for d, position in decided])

    async def _execute(self, envelope: Envelope, command: NumberCommand) -> Decided:
        known = await self.outcomes.get(envelope.id)
        if known is not None:
            # A redelivery: make sure the publishing a crash may have cut short is done.
            await self.numbers.deliver(command.number)
            return Decided(known)
        stored = await self.numbers.load(command.number)
        current = stored.record if stored else None
        if stored is not None and str(envelope.id) in stored.applied:
            # Stored before a crash, outcome not recorded yet.
            await self.numbers.deliver(command.number)
            return Decided(self._outcome(envelope, "applied", None, None))
        try:
            record = await self._decide(command, current, envelope)
        except Rejected as rejection:
            return self._refused(envelope, rejection)
        event = await self._event(envelope, command, current, record)
        kept = None if isinstance(command, DeleteNumber) else record
        if not await self._tier_slot(envelope.tenant, command.number, current, kept):
            return self._refused(envelope, rules.tier_limit_reached(self.tier_limit))
        await self.numbers.save(stored, command.number, kept, envelope.id, event)
        return Decided(self._outcome(envelope, "applied", None, None))

    async def _tier_slot(
        self, tenant: str, number: str, before: NumberRecord | None, after: NumberRecord | None
    ) -> bool:
        """A number that comes to count against the tier limit claims a slot, last before it is
        saved, so a claim is never followed by a refusal; False when none is free. One that stops
        counting frees its slots before it is saved, so a crash in between is redone by the redelivery."""
        counted, counts = rules.counts_against_tier_limit(before), rules.counts_against_tier_limit(after)
        if counts and not counted:
            return await claim_tier_slot(self.slots, tenant, number, self.tier_limit, self.clock())
        if counted and not counts:
            await self.slots.free(tenant, number)
        return True

    def _refused(self, envelope: Envelope, rejection: Rejected) -> Decided:
        outcome = self._outcome(envelope, "rejected", rejection.code, rejection.detail)
        return Decided(outcome, self._rejection(envelope, rejection))

    async def _decide(
        self, command: NumberCommand, current: NumberRecord | None, envelope: Envelope
    ) -> NumberRecord:
        tenant, number, now = envelope.tenant, command.number, self.clock()
        match command:
            case AddNumber():
                known = await self._profile_known(tenant, command.carrier_profile_id)
                record = rules.add_number(
                    current,
                    number=number,
                    tenant=tenant,
                    sms_capable=command.sms_capable,
                    carrier_profile_id=command.carrier_profile_id,
                    profile_known=known,
                    now=now,
                )
            case UpdateNumber():
                known = await self._profile_known(tenant, command.carrier_profile_id)
                record = rules.update_number(
                    current,
                    number=number,
                    tenant=tenant,
                    carrier_profile_id=command.carrier_profile_id,
                    clear_carrier_profile=command.clear_carrier_profile,
                    sms_capable=command.sms_capable,
                    profile_known=known,
                    now=now,
                )
            case DeleteNumber():
                record = rules.delete_number(current, number=number, tenant=tenant)
            case AssignNumber():
                assignee = _from_wire(command.assignee)
                facts = await self._assignee_facts(envelope, command, assignee)
                record = rules.assign_number(
                    current,
                    number=number,
                    tenant=tenant,
                    assignee=assignee,
                    assignee_facts=facts,
                    replace_assignee=command.replace,
                    now=now,
                )
            case UnassignNumber():
                expected = command.expected_assignee
                record = rules.unassign_number(
                    current,
                    number=number,
                    tenant=tenant,
                    expected_assignee=_from_wire(expected) if expected else None,
                    now=now,
                )
            case RegisterNumber():
                record = rules.register_number(current, number=number, tenant=tenant, now=now)
            case ReleaseNumber():
                if command.reason == INACTIVITY and current is not None:
                    await self._still_idle(current, now)
                record = rules.release_number(current, number=number, tenant=tenant, now=now)
            case _:
                raise Rejected("unknown-command", f"{type(command).__name__} is not a numbers command")
        return record

    async def _still_idle(self, record: NumberRecord, now: datetime) -> None:
        """The sweeper asked a while ago; a message since then keeps the number."""
        last = await self.facts.last_activity(record.number)
        if not inactivity(created_at=record.created_at, last_activity_at=last, now=now).due:
            raise Rejected("still-active", f"{record.number} had activity since the release was asked for")

    async def _profile_known(self, tenant: str, profile: str | None) -> bool:
        return profile is None or await self.facts.profile_known(tenant, profile)

    async def _assignee_facts(
        self, envelope: Envelope, command: AssignNumber, assignee: Assignee
    ) -> AssigneeFacts:
        """What the read model knows of the assignee; only for an assignee in flight (its requester
        published its creation) does an unknown one get the grace period to arrive."""
        deadline = envelope.time + ASSIGNEE_GRACE
        while True:
            facts = await self.facts.assignee_facts(envelope.tenant, assignee)
            if facts.exists or not command.assignee_in_flight or self.clock() >= deadline:
                return facts
            await asyncio.sleep(0.2)

    async def _event(
        self, envelope: Envelope, command: NumberCommand, before: NumberRecord | None, after: NumberRecord
    ) -> Envelope:
        state = NumberState(
            number=after.number,
            sms_capable=after.sms_capable,
            carrier_profile_id=after.carrier_profile_id,
            assignee=_to_wire(after.assignee),
            registration=after.registration,
            lifecycle=after.lifecycle,
            last_activity_at=await self.facts.last_activity(after.number),
            created_at=after.created_at,
            updated_at=after.updated_at,
        )
        previous = _to_wire(before.assignee) if before else None
        payload: NumberEvent
        match command:
            case AddNumber():
                payload = NumberAdded(state=state, job_id=command.job_id)
            case AssignNumber():
                payload = NumberAssigned(state=state, previous_assignee=previous, job_id=command.job_id)
            case UnassignNumber():
                assert previous is not None
                payload = NumberUnassigned(state=state, previous_assignee=previous, job_id=command.job_id)
            case DeleteNumber():
                payload = NumberDeleted(state=state, job_id=command.job_id)
            case ReleaseNumber():
                payload = NumberReleased(state=state, reason=command.reason, job_id=command.job_id)
            case _:
                payload = NumberUpdated(state=state, job_id=command.job_id)
        return self._answer(envelope, payload)

    def _rejection(self, envelope: Envelope, rejection: Rejected) -> Envelope:
        command = envelope.data
        assert isinstance(command, NumberCommand)
        return self._answer(
            envelope,
            NumberCommandRejected(
                number=command.number,
                command_type=envelope.type,
                code=rejection.code,
                detail=rejection.detail,
                job_id=command.job_id,
            ),
        )

    @staticmethod
    def _answer(envelope: Envelope, payload: NumberEvent | NumberCommandRejected) -> Envelope:
        # Answers carry the command's correlation id, or its envelope id, so requesters can match them.
        return Envelope.wrap(
            payload,
            source=SOURCE,
            subject=envelope.subject,
            tenant=envelope.tenant,
            correlation_id=envelope.correlation_id or str(envelope.id),
        )

    def _outcome(self, envelope: Envelope, status: str, code: str | None, detail: str | None) -> Outcome:
        command = envelope.data
        assert isinstance(command, NumberCommand)
        return Outcome(
            command_id=envelope.id,
            number=command.number,
            tenant=envelope.tenant,
            command_type=envelope.type,
            status=status,
            code=code,
            detail=detail,
            job_id=command.job_id,
            at=self.clock(),
        )


def _from_wire(assignee: WireAssignee) -> Assignee:
    return Assignee(kind=assignee.kind, id=assignee.id)


def _to_wire(assignee: Assignee | None) -> WireAssignee | None:
    return WireAssignee(kind=assignee.kind, id=assignee.id) if assignee else None
