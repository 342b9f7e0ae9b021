"""Every secondary index the numbers service's queries need, each next to the query it serves.

Queries by ``_id`` alone need none (MongoDB always indexes ``_id``). The kit
creates these at start-up (``Service.indexes``); tests/unit/test_indexes.py
fails when an adapter runs a query that none of them serves. FerretDB, the
local stand-in, creates them but scans the collection anyway; MongoDB uses them.
"""

from __future__ import annotations

from textbus.kit.mongo import Index
from textbus.kit.outbox import relay_index

INDEXES: tuple[Index, ...] = (
    Index("numbers", ("registration", "deleted"), "MongoNumbers.registered (tier slots at start-up)"),
    Index("numbers", ("lifecycle", "deleted"), "MongoNumbers.active (the inactivity sweeper)"),
    relay_index("numbers"),
    # Searches (adapters/catalog.py): the tenant's numbers in each order a reader may ask for, the
    # number breaking ties; a quick search or a column filter is matched on what the index reads.
    Index("numbers", ("tenant", "deleted", "_id"), "MongoCatalog: a search sorted by number, its count"),
    Index("numbers", ("tenant", "deleted", "created_at", "_id"), "MongoCatalog: sorted by created_at"),
    Index("numbers", ("tenant", "deleted", "updated_at", "_id"), "MongoCatalog: sorted by updated_at"),
    # A sort by name reads one assignee's (or profile's) numbers at a time; a name filter, theirs.
    Index(
        "numbers",
        ("tenant", "deleted", "assignee_key", "_id"),
        "MongoCatalog: by assignee (filter, sort by name, count per assignee)",
    ),
    Index(
        "numbers",
        ("tenant", "deleted", "carrier_profile_id", "_id"),
        "MongoCatalog: by carrier profile (filter, sort by name, count per profile)",
    ),
    # The job_id prefix also serves a job's results (of_job, forget_job_outcomes).
    Index("outcomes", ("job_id", "at"), "MongoOutcomes.forget_commands_before (job_id null, at < horizon)"),
    relay_index("outcomes"),
    # The tenant prefix serves a tenant's slots (held); the number, the slots it frees (free).
    Index("registration_slots", ("tenant", "number"), "MongoRegistrationSlots.held and .free"),
    Index("jobs", ("created_at",), "MongoJobs.created_before (the retention sweep of jobs)"),
    Index("jobs", ("publishing",), "MongoJobs.unpublished (jobs resumed at start-up)"),
    # A name search is a case-insensitive regex: no bounds, but MongoDB matches it on the index's
    # keys within the tenant instead of reading every document.
    Index(
        "assignees", ("tenant", "exists", "name"), "ids_containing: assignees whose name contains the text"
    ),
    Index(
        "carrier_profiles", ("tenant", "exists", "name"), "ids_containing: profiles whose name contains it"
    ),
    Index(
        "carrier_profiles",
        ("tenant", "exists", "carrier"),
        "ids_containing: profiles whose carrier contains it",
    ),
)
