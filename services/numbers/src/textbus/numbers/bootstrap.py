"""The composition root: builds the numbers service from its parts."""

from __future__ import annotations

from datetime import timedelta

from textbus.contracts import Envelope, topic
from textbus.contracts.numbers.v1 import NumberCommand
from textbus.kit.bus import MessageBus
from textbus.kit.clock import Clock, utc_now
from textbus.kit.service import Service
from textbus.kit.settings import ServiceSettings, service_settings
from textbus.numbers.adapters.catalog import MongoCatalog
from textbus.numbers.adapters.indexes import INDEXES
from textbus.numbers.adapters.jobs import MongoJobs
from textbus.numbers.adapters.numbers_store import MongoNumbers
from textbus.numbers.adapters.outcomes import MongoOutcomes
from textbus.numbers.adapters.read_models import ReadModels
from textbus.numbers.adapters.registration_slots import MongoRegistrationSlots
from textbus.numbers.config import NumbersSettings
from textbus.numbers.entrypoints.http import register_routes
from textbus.numbers.entrypoints.kafka import READ_MODEL_EVENTS, register_handlers
from textbus.numbers.service.commands import CommandHandler, SettleBatch
from textbus.numbers.service.inventory import (
    AddRange,
    ChangeInBulk,
    ChangeNumber,
    ImportNumbers,
    Inventory,
)
from textbus.numbers.service.jobs import Jobs
from textbus.numbers.service.lifecycle import InactivitySweeper
from textbus.numbers.service.registration import SlotBackfill
from textbus.numbers.service.retention import RetentionSweeper

COMMANDS = topic("numbers.commands.v1")


def bootstrap(
    settings: ServiceSettings | None = None,
    numbers_settings: NumbersSettings | None = None,
    clock: Clock = utc_now,
) -> Service:
    limits = numbers_settings or NumbersSettings()
    service = Service.create(
        settings or service_settings("numbers", 8081), title="textbus numbers", clock=clock
    )
    service.max_request_bytes = limits.max_import_bytes + 64 * 1024
    messaging, db = service.messaging, service.db

    async def publish_command(envelope: Envelope) -> None:
        await messaging.publish(COMMANDS, envelope)

    read_models = ReadModels(db)
    numbers = MongoNumbers(db, service.outbox)
    slots = MongoRegistrationSlots(db)
    outcomes = MongoOutcomes(db, service.outbox)
    catalog = MongoCatalog(db, read_models)
    job_store = MongoJobs(db)
    jobs = Jobs(store=job_store, outcomes=outcomes, publish=publish_command, clock=service.clock)
    commands = CommandHandler(
        numbers=numbers,
        facts=read_models,
        outcomes=outcomes,
        tier_limit=limits.tier_limit,
        slots=slots,
        clock=service.clock,
    )
    inventory = Inventory(
        publish=publish_command,
        outcomes=outcomes,
        selection=catalog,
        knowledge=read_models,
        jobs=jobs,
        settings=limits,
    )
    sweeper = InactivitySweeper(
        numbers=numbers,
        publish=publish_command,
        clock=service.clock,
        interval_seconds=limits.inactivity_sweep_seconds,
    )
    retention = RetentionSweeper(
        outcomes=outcomes,
        jobs=job_store,
        clock=service.clock,
        outcomes_kept=timedelta(days=limits.outcome_retention_days),
        jobs_kept=timedelta(days=limits.job_retention_days),
        interval_seconds=limits.retention_sweep_seconds,
    )
    bus = MessageBus()
    bus.command(NumberCommand, commands.execute)
    bus.command(SettleBatch, lambda settle: commands.settle(settle.decided))
    for event in READ_MODEL_EVENTS:
        bus.event(event, read_models.apply)
    bus.command(ChangeNumber, inventory.change_number)
    bus.command(AddRange, inventory.add_range)
    bus.command(ImportNumbers, inventory.import_numbers)
    bus.command(ChangeInBulk, inventory.change_in_bulk)
    register_handlers(messaging, bus, limits.command_batch_size)
    # Enterprises are the assignments service's; its EnterpriseUpserted events fill this read model.
    service.api.tenant_exists = read_models.enterprise_exists
    register_routes(service.api, bus, catalog, jobs, limits, service.clock)
    service.indexes = INDEXES
    # Before searches read the numbers themselves, a copy of them was packed on shelves.
    service.retired_collections = ("number_shelves",)
    service.on_start.append(jobs.resume_unpublished)
    # Before the commands consumer runs: the numbers a database from before the slots registered.
    backfill = SlotBackfill(numbers=numbers, slots=slots, tier_limit=limits.tier_limit, clock=service.clock)
    service.on_start.append(backfill.give_registered_numbers_slots)
    service.on_stop.append(jobs.stop)
    service.background += [sweeper.run_forever, retention.run_forever]
    return service
