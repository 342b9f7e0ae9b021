"""Every query the numbers service runs, as shapes under the adapter function that runs it."""

from __future__ import annotations

from pathlib import Path

import textbus.numbers.adapters
from tests.unit.query_shapes import Shape, by_id
from textbus.numbers.bootstrap import bootstrap

ADAPTERS = Path(next(iter(textbus.numbers.adapters.__path__)))
# Outbox documents: the kit reads and relays them (the service wires which collections).
WATCHED = tuple(sorted(bootstrap().outbox._watched))

SEARCHED = ("tenant", "deleted")
SEARCH_ORDERS = (
    Shape("numbers", equality=SEARCHED, sort=("_id",)),
    Shape("numbers", equality=SEARCHED, sort=("created_at", "_id")),
    Shape("numbers", equality=SEARCHED, sort=("updated_at", "_id")),
    # A name filter or a sort by name: the numbers of some assignees (or profiles), by number.
    Shape("numbers", equality=(*SEARCHED, "assignee_key"), sort=("_id",)),
    Shape("numbers", equality=(*SEARCHED, "carrier_profile_id"), sort=("_id",)),
)
BY_NAME = SEARCH_ORDERS[3:]

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
        "numbers", "assignees", "carrier_profiles", "number_activity", "number_domains"
    ),
    # The name is a case-insensitive regex: a range without bounds.
    "read_models.ids_containing": (
        Shape("assignees", equality=("tenant", "exists"), range=("name",)),
        Shape("carrier_profiles", equality=("tenant", "exists"), range=("name",)),
        Shape("carrier_profiles", equality=("tenant", "exists"), range=("carrier",)),
    ),
    # Every search: the tenant's numbers, in one of the orders a reader may ask for. The quick
    # search and the number filter are unanchored regexes (matched on what the index reads), the
    # Services and lifecycle filters are tested on the documents found.
    "mongo_search.find_page": SEARCH_ORDERS,
    "mongo_search.find_batches": SEARCH_ORDERS,
    "mongo_search.count_by": (
        Shape("numbers", equality=("tenant", "deleted"), sort=("assignee_key",)),
        Shape("numbers", equality=("tenant", "deleted"), sort=("carrier_profile_id",)),
    ),
    "mongo_search.page_by_name": BY_NAME,
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
    "mongo.apply_once": by_id(
        "numbers", "assignees", "enterprises", "carrier_profiles", "number_activity", "number_domains"
    ),
    "outbox.Outbox.deliver": by_id(*WATCHED),
    "outbox.Outbox.start": tuple(Shape(c, range=("_outbox.id",)) for c in WATCHED),
    "outbox._queued": by_id(*WATCHED),
}
