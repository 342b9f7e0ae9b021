"""The composition root: builds the assignments service from its parts."""

from textbus.assignments.adapters.enterprises import MongoEnterprises
from textbus.assignments.adapters.group_search import MongoGroupSearch
from textbus.assignments.adapters.groups import MongoGroupNames, MongoGroups
from textbus.assignments.adapters.indexes import INDEXES
from textbus.assignments.adapters.numbers import MongoNumberFacts
from textbus.assignments.adapters.revisions import Revisions
from textbus.assignments.adapters.sync_tasks import MongoCompletions, MongoSyncTasks
from textbus.assignments.adapters.users import MongoUsers
from textbus.assignments.config import RetentionSettings
from textbus.assignments.entrypoints.http import register_routes
from textbus.assignments.entrypoints.kafka import register_handlers
from textbus.assignments.service.commands import register_use_cases
from textbus.assignments.service.groups import settle_unsettled_memberships
from textbus.assignments.service.number_events import settle_unsettled_changes
from textbus.assignments.service.ports import Ports
from textbus.assignments.service.retention import sweep_forever
from textbus.kit.bus import MessageBus
from textbus.kit.clock import Clock, utc_now
from textbus.kit.periodic import run_periodically
from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings

# How often each replica looks for writes a crash left half-done (the first time at start).
FINISH_SECONDS = 10.0


def bootstrap(
    settings: ServiceSettings | None = None,
    clock: Clock = utc_now,
    retention: RetentionSettings | None = None,
) -> Service:
    service = Service.create(
        settings or service_settings("assignments", 8082), title="textbus assignments", clock=clock
    )
    db, outbox = service.db, service.outbox
    revisions = Revisions(db, outbox, service.clock)
    enterprises = MongoEnterprises(db, revisions)
    users = MongoUsers(db, revisions)
    groups = MongoGroups(db, revisions)
    numbers = MongoNumberFacts(db, outbox)
    sync_tasks = MongoSyncTasks(db, outbox)
    completions = MongoCompletions(db, outbox)
    ports = Ports(
        enterprises=enterprises,
        users=users,
        groups=groups,
        group_finder=MongoGroupSearch(db, users, numbers),
        group_names=MongoGroupNames(db),
        numbers=numbers,
        sync_tasks=sync_tasks,
        completions=completions,
        writes=revisions,
        clock=service.clock,
    )
    # Every /v1/tenants/{tenant} route answers 404 for an enterprise the provider has not created.
    service.api.tenant_exists = enterprises.exists
    bus = MessageBus()
    register_use_cases(bus, ports)
    register_routes(service.api, ports, bus)
    register_handlers(service.messaging, bus)

    async def recover() -> None:
        """Finish what a previous run stored but did not get to settle (the outbox publishes what it
        did not get to publish)."""
        await settle_unsettled_changes(ports)

    async def finish_writes() -> None:
        """What a crash of any replica left half-written (revisions past their grace)."""
        await revisions.finish()
        await settle_unsettled_memberships(ports)

    async def sweep_retention() -> None:
        await sweep_forever(ports, retention or RetentionSettings())

    service.indexes = INDEXES
    # Before the API serves searches: the groups stored before the search stored member counts.
    service.on_start.append(groups.count_members_of_earlier_groups)
    service.on_start.append(recover)
    service.background.append(sweep_retention)
    service.background.append(
        lambda: run_periodically(finish_writes, every_seconds=FINISH_SECONDS, name="finishing writes")
    )
    return service
