"""The composition root: builds the numbers service from its parts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textbus.contracts import Envelope, topic
from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings
from textbus.numbers.adapters.catalog import MongoCatalog
from textbus.numbers.adapters.jobs import MongoJobs
from textbus.numbers.adapters.numbers_store import MongoNumbers
from textbus.numbers.adapters.outcomes import MongoOutcomes
from textbus.numbers.adapters.read_models import ReadModels
from textbus.numbers.adapters.shelves import MongoShelves
from textbus.numbers.config import NumbersSettings
from textbus.numbers.entrypoints.http import register_number_routes
from textbus.numbers.entrypoints.kafka import register_handlers
from textbus.numbers.service.commands import CommandHandler
from textbus.numbers.service.inventory import Inventory
from textbus.numbers.service.jobs import Jobs
from textbus.numbers.service.lifecycle import InactivitySweeper

COMMANDS = topic("numbers.commands.v1")


def now() -> datetime:
    return datetime.now(UTC)


def bootstrap(
    settings: ServiceSettings | None = None,
    numbers_settings: NumbersSettings | None = None,
    clock: Callable[[], datetime] = now,
) -> Service:
    limits = numbers_settings or NumbersSettings()
    service = Service.create(settings or service_settings("numbers", 8081), title="textbus numbers")
    service.max_request_bytes = limits.max_import_bytes + 64 * 1024
    messaging, db = service.messaging, service.db

    async def publish_command(envelope: Envelope) -> None:
        await messaging.publish(COMMANDS, envelope)

    read_models = ReadModels(db)
    numbers = MongoNumbers(db, messaging)
    outcomes = MongoOutcomes(db, messaging)
    shelves = MongoShelves(db)
    catalog = MongoCatalog(db, read_models, shelves)
    jobs = Jobs(store=MongoJobs(db), outcomes=outcomes, publish=publish_command, clock=clock)
    commands = CommandHandler(
        numbers=numbers,
        facts=read_models,
        outcomes=outcomes,
        shelves=shelves,
        tier_limit=limits.tier_limit,
        clock=clock,
    )
    inventory = Inventory(
        publish=publish_command,
        outcomes=outcomes,
        selection=catalog,
        knowledge=read_models,
        jobs=jobs,
        settings=limits,
        clock=clock,
    )
    sweeper = InactivitySweeper(
        numbers=numbers,
        publish=publish_command,
        clock=clock,
        interval_seconds=limits.inactivity_sweep_seconds,
    )
    register_handlers(messaging, read_models, commands, limits.command_batch_size)
    # Enterprises are the assignments service's; its EnterpriseUpserted events fill this read model.
    service.api.tenant_exists = read_models.enterprise_exists
    register_number_routes(service.api, inventory, catalog, clock)
    service.on_start += [
        shelves.stock_if_empty,
        numbers.relay_pending,
        outcomes.relay_pending,
        jobs.resume_unpublished,
    ]
    service.on_stop.append(jobs.stop)
    service.background.append(sweeper.run_forever)
    return service
