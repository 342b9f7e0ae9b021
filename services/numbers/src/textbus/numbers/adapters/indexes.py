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
    # The job_id prefix also serves a job's results (of_job, forget_job_outcomes).
    Index("outcomes", ("job_id", "at"), "MongoOutcomes.forget_commands_before (job_id null, at < horizon)"),
    relay_index("outcomes"),
    # The tenant prefix serves a tenant's slots (held); the number, the slots it frees (free).
    Index("registration_slots", ("tenant", "number"), "MongoRegistrationSlots.held and .free"),
    Index("jobs", ("created_at",), "MongoJobs.created_before (the retention sweep of jobs)"),
    Index("jobs", ("publishing",), "MongoJobs.unpublished (jobs resumed at start-up)"),
    # A name search is a case-insensitive regex: no bounds, but MongoDB matches it on the index's
    # keys within the tenant instead of reading every document.
    Index("assignees", ("tenant", "name"), "ids_containing: assignees whose name contains the text"),
    Index("carrier_profiles", ("tenant", "name"), "ids_containing: profiles whose name contains it"),
    Index("carrier_profiles", ("tenant", "carrier"), "ids_containing: profiles whose carrier contains it"),
)
