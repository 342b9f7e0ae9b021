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
    # A name search is a case-insensitive regex: no bounds, but MongoDB matches it on the index's
    # keys within the tenant instead of reading every user.
    Index("users", ("tenant", "display_name"), "MongoUsers.named: users whose display name contains it"),
    Index("users", ("tenant", "sign_in_name"), "MongoUsers.named: users whose sign-in name contains it"),
    # Also the member filter of a group search ($in of the users named).
    Index("groups", ("tenant", "deleted", "member_user_ids"), "MongoGroups.of_member"),
    # Group searches (adapters/group_search.py): the tenant's live groups in each order a reader may
    # ask for, the name breaking ties; a name filter is matched on the name_key index's keys.
    Index("groups", ("tenant", "deleted", "name_key", "_id"), "MongoGroupSearch: sorted by name, counted"),
    Index(
        "groups",
        ("tenant", "deleted", "member_count", "name_key", "_id"),
        "MongoGroupSearch: sorted by members; count_members_of_earlier_groups (member_count null)",
    ),
    Index(
        "groups", ("tenant", "deleted", "created_at", "name_key", "_id"), "MongoGroupSearch: by created_at"
    ),
    Index(
        "groups",
        ("tenant", "deleted", "owner_user_id", "name_key", "_id"),
        "MongoGroupSearch: by owner (filter, sort by name, count per owner)",
    ),
    Index(
        "groups",
        ("tenant", "deleted", "requests.number"),
        "MongoGroupSearch._asking_for: groups asking for a number that contains the text",
    ),
    Index("groups", ("requests.correlation_id", "deleted"), "MongoGroups.requested (the retention sweep)"),
    # Membership changes stored before revisions held them.
    Index("groups", ("_membership.0",), "MongoGroups.unsettled_memberships (periodically)", sparse=True),
    relay_index("groups"),
    Index("numbers", ("tenant", "assignee.kind", "assignee.id"), "MongoNumberFacts.held_by, held_by_groups"),
    # The number is the index's key: a regex on it is matched on the keys within the tenant.
    Index("numbers", ("tenant", "assignee.kind", "_id"), "MongoNumberFacts.groups_holding (a number search)"),
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
