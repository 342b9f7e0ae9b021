"""Every secondary index the assignments service's queries need, each next to the query it serves.

Queries by ``_id`` alone need none (MongoDB always indexes ``_id``). The kit
creates these at start-up (``Service.indexes``); tests/unit/test_indexes.py
fails when an adapter runs a query that none of them serves. FerretDB, the
local stand-in, creates them but scans the collection anyway; MongoDB uses them.
"""

from __future__ import annotations

from textbus.kit.mongo import Index
from textbus.kit.outbox import relay_index

INDEXES: tuple[Index, ...] = (
    Index("users", ("tenant", "user_id"), "MongoUsers.list (a tenant's users by id, and their count)"),
    Index("users", ("number_requests.correlation_id",), "MongoUsers.requested (the retention sweep)"),
    relay_index("users"),
    # The (tenant, deleted) prefix serves of_tenant too.
    Index("groups", ("tenant", "deleted", "member_user_ids"), "MongoGroups.of_member"),
    Index("groups", ("requests.correlation_id", "deleted"), "MongoGroups.requested (the retention sweep)"),
    # Membership changes stored before revisions held them.
    Index("groups", ("_membership.0",), "MongoGroups.unsettled_memberships (periodically)", sparse=True),
    relay_index("groups"),
    # The (tenant, assignee.kind) prefix serves held_by_groups too.
    Index("numbers", ("tenant", "assignee.kind", "assignee.id"), "MongoNumberFacts.held_by"),
    Index("numbers", ("_change",), "MongoNumberFacts.unsettled_changes (at start-up)", sparse=True),
    relay_index("numbers"),
    # Both branches of its $or: recorded before the horizon, or never given a time.
    Index("command_outcomes", ("recorded_at",), "MongoNumberFacts.outcomes_recorded_before"),
    Index("sync_tasks", ("tenant",), "MongoSyncTasks.of_tenant"),
    Index("sync_tasks", ("status",), "MongoSyncTasks.open_tasks"),
    relay_index("sync_tasks"),
    Index("sync_counted_changes", ("counted_at",), "MongoSyncTasks.forget_counted (both of its writes)"),
    Index("sync_completions", ("tenant",), "MongoCompletions.of_tenant"),
    relay_index("sync_completions"),
    relay_index("enterprises"),
    Index("revisions", ("_membership.0",), "MongoGroups.unsettled_memberships (periodically)", sparse=True),
    Index("revisions", ("recorded_at",), "Revisions.forget (the retention sweep)"),
    relay_index("revisions"),
)
