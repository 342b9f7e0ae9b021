"""The composition root: builds the assignments service from its parts."""

from textbus.assignments.adapters.enterprises import MongoEnterprises
from textbus.assignments.adapters.groups import MongoGroupNames, MongoGroups
from textbus.assignments.adapters.indexes import ensure_indexes
from textbus.assignments.adapters.numbers import MongoNumberFacts
from textbus.assignments.adapters.sync_tasks import MongoCompletions, MongoSyncTasks
from textbus.assignments.adapters.users import MongoUsers
from textbus.assignments.entrypoints.http import register_routes
from textbus.assignments.entrypoints.kafka import register_handlers
from textbus.assignments.service.groups import settle_unsettled_memberships
from textbus.assignments.service.locks import KeyedLocks
from textbus.assignments.service.number_events import settle_unsettled_changes
from textbus.assignments.service.ports import Ports
from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings


def bootstrap(settings: ServiceSettings | None = None) -> Service:
    service = Service.create(settings or service_settings("assignments", 8082), title="textbus assignments")
    db, messaging = service.db, service.messaging
    enterprises = MongoEnterprises(db, messaging)
    users = MongoUsers(db, messaging)
    groups = MongoGroups(db, messaging)
    numbers = MongoNumberFacts(db, messaging)
    sync_tasks = MongoSyncTasks(db, messaging)
    completions = MongoCompletions(db, messaging)
    ports = Ports(
        enterprises=enterprises,
        users=users,
        groups=groups,
        group_names=MongoGroupNames(db),
        numbers=numbers,
        sync_tasks=sync_tasks,
        completions=completions,
        locks=KeyedLocks(),
    )
    # Every /v1/tenants/{tenant} route answers 404 for an enterprise the provider has not created.
    service.api.tenant_exists = enterprises.exists
    register_routes(service.api, ports)
    register_handlers(service.messaging, ports)

    async def recover() -> None:
        """Finish what a previous run stored but did not get to publish."""
        await ensure_indexes(db)
        await settle_unsettled_changes(ports)
        await settle_unsettled_memberships(ports)
        for store in (enterprises, users, groups, numbers, sync_tasks, completions):
            await store.relay_pending()

    service.on_start.append(recover)
    return service
