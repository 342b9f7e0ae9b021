"""Every query the assignments service runs, as shapes under the adapter function that runs it."""

from __future__ import annotations

from pathlib import Path

import textbus.assignments.adapters
from tests.unit.query_shapes import Shape, by_id
from textbus.assignments.bootstrap import bootstrap

ADAPTERS = Path(next(iter(textbus.assignments.adapters.__path__)))
# Outbox documents: the kit reads and relays them (the service wires which collections).
WATCHED = tuple(sorted(bootstrap().outbox._watched))

SEARCHED = ("tenant", "deleted")
TIES = ("name_key", "_id")
# Every group search: the tenant's live groups in one of the orders a reader may ask for. The quick
# search and the name filter are unanchored regexes on name_key (matched on what the index reads);
# the other criteria are $in of what was found first, and the member count's, tested on the
# documents found.
SEARCH_ORDERS = (
    Shape("groups", equality=SEARCHED, sort=TIES),
    Shape("groups", equality=SEARCHED, sort=("member_count", *TIES)),
    Shape("groups", equality=SEARCHED, sort=("created_at", *TIES)),
    # An owner filter, or a sort by owner name: some owners' groups, by name.
    Shape("groups", equality=(*SEARCHED, "owner_user_id"), sort=TIES),
)

SHAPES: dict[str, tuple[Shape, ...]] = {
    "users.MongoUsers.versioned": by_id("users"),
    "users.MongoUsers.get_many": by_id("users"),
    "users.MongoUsers.requests_of": by_id("users"),
    "users.MongoUsers.list": (
        Shape("users", equality=("tenant",)),
        Shape("users", equality=("tenant",), sort=("user_id",)),
    ),
    # An $or: each branch a regex matched on its index's keys within the tenant.
    "users.MongoUsers.named": (
        Shape("users", equality=("tenant",), range=("display_name",)),
        Shape("users", equality=("tenant",), range=("sign_in_name",)),
    ),
    # $in of correlation ids: equality on each.
    "documents.referred_requests": (
        Shape("users", equality=("number_requests.correlation_id",)),
        Shape("groups", equality=("deleted", "requests.correlation_id")),
    ),
    "groups.MongoGroups.get": by_id("groups"),
    "groups.MongoGroups.of_member": (Shape("groups", equality=("tenant", "deleted", "member_user_ids")),),
    "groups.MongoGroups.settle_membership": by_id("revisions", "groups"),
    "groups.MongoGroups.unsettled_memberships": (
        Shape("revisions", present=("_membership.0",)),
        Shape("groups", present=("_membership.0",)),
    ),
    # The tenants (a distinct scan of any index led by tenant), then each one's groups without a
    # count (member_count: null), each written by _id.
    "groups.MongoGroups.count_members_of_earlier_groups": (
        Shape("groups", sort=("tenant",)),
        Shape("groups", equality=(*SEARCHED, "member_count")),
        *by_id("groups"),
    ),
    "group_search.MongoGroupSearch._asking_for": (
        Shape("groups", equality=SEARCHED, range=("requests.number",)),
    ),
    "groups.MongoGroupNames.reserve": by_id("group_names"),
    "groups.MongoGroupNames.take_over": by_id("group_names"),
    "groups.MongoGroupNames.release": by_id("group_names"),
    "numbers.MongoNumberFacts.get": by_id("numbers"),
    "numbers.MongoNumberFacts.get_many": by_id("numbers"),
    "numbers.MongoNumberFacts.held_by": (
        Shape("numbers", equality=("tenant", "assignee.kind", "assignee.id")),
    ),
    "numbers.MongoNumberFacts.held_by_groups": (
        Shape("numbers", equality=("tenant", "assignee.kind", "assignee.id")),
    ),
    # A regex on the number, matched on the index's keys.
    "numbers.MongoNumberFacts.groups_holding": (
        Shape("numbers", equality=("tenant", "assignee.kind"), sort=("_id",)),
    ),
    "numbers.MongoNumberFacts.outcomes": by_id("command_outcomes"),
    "numbers.MongoNumberFacts.record_outcome": by_id("command_outcomes"),
    # An $or: each branch is planned on its own ($exists: false matches the index's null keys).
    "numbers.MongoNumberFacts.outcomes_recorded_before": (
        Shape("command_outcomes", range=("recorded_at",)),
        Shape("command_outcomes", equality=("recorded_at",)),
    ),
    "numbers.MongoNumberFacts.forget_outcomes": by_id("command_outcomes"),
    "numbers.MongoNumberFacts.settle_change": by_id("numbers"),
    "numbers.MongoNumberFacts.unsettled_change": by_id("numbers"),
    "numbers.MongoNumberFacts.unsettled_changes": (Shape("numbers", present=("_change",)),),
    "sync_tasks.MongoSyncTasks.open_seq": by_id("sync_open_tasks"),
    "sync_tasks.MongoSyncTasks.set_open_seq": by_id("sync_open_tasks"),
    "sync_tasks.MongoSyncTasks.get": by_id("sync_tasks"),
    "sync_tasks.MongoSyncTasks.save": by_id("sync_tasks"),
    "sync_tasks.MongoSyncTasks.of_tenant": (Shape("sync_tasks", equality=("tenant",)),),
    "sync_tasks.MongoSyncTasks.counted": by_id("sync_counted_changes"),
    "sync_tasks.MongoSyncTasks.mark_counted": by_id("sync_counted_changes"),
    "sync_tasks.MongoSyncTasks.open_tasks": (Shape("sync_tasks", equality=("status",)),),
    "sync_tasks.MongoSyncTasks.forget_counted": (
        Shape("sync_counted_changes", equality=("counted_at",)),
        Shape("sync_counted_changes", range=("counted_at",)),
    ),
    "sync_tasks.MongoSyncTasks.sms_recipients": by_id("sms_recipients"),
    "sync_tasks.MongoSyncTasks.add_sms_recipients": by_id("sms_recipients"),
    "sync_tasks.MongoCompletions.get": by_id("sync_completions"),
    "sync_tasks.MongoCompletions.of_tenant": (Shape("sync_completions", equality=("tenant",)),),
    "enterprises.MongoEnterprises.get": by_id("enterprises"),
    "enterprises.MongoEnterprises.exists": by_id("enterprises"),
    # Every enterprise, counted, then a page of them in _id order.
    "enterprises.MongoEnterprises.list": (Shape("enterprises"), Shape("enterprises", sort=("_id",))),
    "revisions.Revisions.repair": by_id("revisions"),
    "revisions.Revisions.finish": (Shape("revisions", range=("_outbox.id",)),),
    # Then each old one's document's version, by id, and the deletion of those that go, by id.
    "revisions.Revisions.forget": (Shape("revisions", range=("recorded_at",)), *by_id("revisions")),
    "revisions.Revisions._publish": by_id("revisions"),
    "revisions._apply": by_id("groups", "users", "enterprises"),
    "revisions._version": by_id("groups", "users", "enterprises"),
    "mongo.apply_once": by_id("numbers"),
    # The kit's search functions: the groups search (no export, so no batches).
    "mongo_search.find_page": SEARCH_ORDERS,
    "mongo_search.find_batches": (),
    "mongo_search.count_by": (Shape("groups", equality=SEARCHED, sort=("owner_user_id",)),),
    "mongo_search.page_by_name": SEARCH_ORDERS[3:],
    # Revisions' envelopes too (the service delivers them; the kit does not watch them).
    "outbox.Outbox.deliver": by_id(*WATCHED, "revisions"),
    "outbox.Outbox.start": tuple(Shape(c, range=("_outbox.id",)) for c in WATCHED),
    "outbox._queued": by_id(*WATCHED),
}
