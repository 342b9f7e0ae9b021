"""Every query the numbers service runs, as shapes under the adapter function that runs it."""

from __future__ import annotations

from pathlib import Path

import textbus.numbers.adapters
from tests.unit.query_shapes import Shape, by_id
from textbus.numbers.bootstrap import bootstrap

ADAPTERS = Path(next(iter(textbus.numbers.adapters.__path__)))
# Outbox documents: the kit reads and relays them (the service wires which collections).
WATCHED = tuple(sorted(bootstrap().outbox._watched))

SHAPES: dict[str, tuple[Shape, ...]] = {
    "numbers_store.MongoNumbers.load": by_id("numbers"),
    "numbers_store.MongoNumbers.registered": (Shape("numbers", equality=("registration", "deleted")),),
    "numbers_store.MongoNumbers.active": (
        Shape("numbers", equality=("lifecycle", "deleted")),
        *by_id("number_activity"),
    ),
    "catalog.MongoCatalog.view": by_id("numbers"),
    "read_models.ReadModels.profile_known": by_id("carrier_profiles"),
    "read_models.ReadModels.assignee_facts": by_id("assignees"),
    "read_models.ReadModels.enterprise_exists": by_id("enterprises"),
    "read_models.ReadModels.manages_own_numbers": by_id("enterprises"),
    "read_models.ReadModels.last_activity": by_id("number_activity"),
    "read_models.by_ids": by_id(
        "numbers", "assignees", "carrier_profiles", "number_activity", "number_domains", "number_shelves"
    ),
    # The name is a case-insensitive regex: a range without bounds.
    "read_models.ids_containing": (
        Shape("assignees", equality=("tenant",), range=("name",)),
        Shape("carrier_profiles", equality=("tenant",), range=("name",)),
        Shape("carrier_profiles", equality=("tenant",), range=("carrier",)),
    ),
    "jobs.MongoJobs.create": by_id("job_chunks"),
    "jobs.MongoJobs.get": by_id("jobs"),
    "jobs.MongoJobs.chunk": by_id("job_chunks"),
    "jobs.MongoJobs.mark_published": by_id("jobs"),
    "jobs.MongoJobs.created_before": (Shape("jobs", range=("created_at",)),),
    "jobs.MongoJobs.forget": by_id("job_chunks", "jobs"),
    "jobs.MongoJobs.unpublished": (Shape("jobs", equality=("publishing",)),),
    "registration_slots.MongoRegistrationSlots.held": (Shape("registration_slots", equality=("tenant",)),),
    "registration_slots.MongoRegistrationSlots.free": (
        Shape("registration_slots", equality=("tenant", "number")),
    ),
    # At start-up, every slot: no index makes reading them all cheaper.
    "registration_slots.MongoRegistrationSlots.holders": (Shape("registration_slots"),),
    "outcomes.MongoOutcomes.get": by_id("outcomes"),
    "outcomes.MongoOutcomes._count": by_id("job_progress"),
    "outcomes.MongoOutcomes.job_progress": by_id("job_progress"),
    "outcomes.MongoOutcomes.of_job": (Shape("outcomes", equality=("job_id",)),),
    "outcomes.MongoOutcomes.forget_commands_before": (
        Shape("outcomes", equality=("job_id",), range=("at",)),
    ),
    "outcomes.MongoOutcomes.forget_job_outcomes": (Shape("outcomes", equality=("job_id",)),),
    "outcomes.MongoOutcomes.forget_job_progress": by_id("job_progress"),
    "shelves.MongoShelves._restock": by_id("number_shelves"),
    # Once, into an empty shelves collection: reads every number, which no index makes cheaper.
    "shelves.MongoShelves.stock_if_empty": (Shape("number_shelves"), Shape("numbers")),
    "mongo.apply_once": by_id(
        "numbers", "assignees", "enterprises", "carrier_profiles", "number_activity", "number_domains"
    ),
    "outbox.Outbox.deliver": by_id(*WATCHED),
    "outbox.Outbox.start": tuple(Shape(c, range=("_outbox.id",)) for c in WATCHED),
    "outbox._queued": by_id(*WATCHED),
}
