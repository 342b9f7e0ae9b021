"""What the numbers service reports, kept as this service's read model of numbers.

Records come keyed by number, so one consumer at a time writes a number's
document. Every state change that moves a number to another assignee (from
this service's commands or from the numbers service's own API) becomes an
SmsAssignmentChanged event keyed by the enterprise, which the sync-task keeper
applies in the enterprise's order (see ``sync_tasks``).
"""

from __future__ import annotations

from textbus.assignments.domain.number_requests import Outcome
from textbus.assignments.domain.numbers import AssignmentChange, NumberFact, assignment_change
from textbus.assignments.domain.sync_tasks import SmsAssignmentChange
from textbus.assignments.service.assignees import assignee_of
from textbus.assignments.service.ports import Ports
from textbus.contracts import Envelope
from textbus.contracts.numbers.v1 import (
    NumberAssigned,
    NumberCommandRejected,
    NumberDeleted,
    NumberEvent,
    NumberUnassigned,
)


async def on_number_event(ports: Ports, envelope: Envelope) -> None:
    match envelope.data:
        case NumberCommandRejected() as rejected if envelope.correlation_id:
            await ports.numbers.record_outcome(
                Outcome(
                    number=rejected.number,
                    correlation_id=envelope.correlation_id,
                    applied=False,
                    code=rejected.code,
                    detail=rejected.detail,
                ),
                at=ports.clock(),
            )
        case NumberEvent() as event:
            await record_number_state(ports, envelope, event)


async def record_number_state(ports: Ports, envelope: Envelope, event: NumberEvent) -> None:
    """Keep the number's latest state; a replayed older state changes nothing."""
    number = event.state.number
    unsettled = await ports.numbers.unsettled_change(number)
    if unsettled is not None:
        await settle_change(ports, unsettled)
    if isinstance(event, NumberAssigned | NumberUnassigned) and envelope.correlation_id:
        await ports.numbers.record_outcome(
            Outcome(number=number, correlation_id=envelope.correlation_id, applied=True), at=ports.clock()
        )
    fact = NumberFact(
        number=number,
        tenant=envelope.tenant,
        assignee=None if isinstance(event, NumberDeleted) else assignee_of(event.state.assignee),
        sms_capable=event.state.sms_capable,
        lifecycle=event.state.lifecycle,
        deleted=isinstance(event, NumberDeleted),
        updated_at=event.state.updated_at,
    )
    previous = await ports.numbers.get(number)
    if previous is not None and previous.is_newer_than(fact):
        return
    reported_previous = (
        assignee_of(event.previous_assignee) if isinstance(event, NumberAssigned | NumberUnassigned) else None
    )
    change = assignment_change(str(envelope.id), previous, reported_previous, fact)
    if await ports.numbers.record_state(fact, envelope.id, change) and change is not None:
        await settle_change(ports, change)


async def settle_change(ports: Ports, change: AssignmentChange) -> None:
    """Publish who receives SMS through the number now (the user, or the group's members).

    Read after the number's new assignee was stored: members added to the
    group at the same moment are either seen here or see the number themselves.
    """
    recipients: tuple[str, ...] = ()
    group_id = None
    if change.after is not None and change.after.kind == "user":
        recipients = (change.after.id,)
    elif change.after is not None:
        group_id = change.after.id
        group = await ports.groups.get(change.tenant, group_id)
        if group is not None and not group.deleted:
            recipients = group.member_user_ids
    event = SmsAssignmentChange(
        change_id=change.change_id,
        cause=change.cause,
        at=change.at,
        number=change.number,
        assignee=change.after,
        previous_assignee=change.before,
        group_id=group_id,
        recipients=recipients,
    )
    await ports.numbers.settle_change(change, event)


async def settle_unsettled_changes(ports: Ports) -> None:
    """At start-up: publish the changes a crash left between storing and publishing."""
    for change in await ports.numbers.unsettled_changes():
        await settle_change(ports, change)
