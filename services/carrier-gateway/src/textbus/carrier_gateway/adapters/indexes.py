"""Every secondary index the gateway's queries need, with the query each serves."""

from textbus.carrier_gateway.adapters.messages import MESSAGES
from textbus.carrier_gateway.adapters.profiles import PROFILES
from textbus.carrier_gateway.adapters.read_models import GROUPS, PROJECTS
from textbus.kit.mongo import Index
from textbus.kit.outbox import relay_index

INDEXES = (
    Index(PROFILES, ("tenant", "deleted", "name_key", "_id"), "a tenant's profiles, searched, by name"),
    relay_index(PROFILES),
    Index(MESSAGES, ("partition", "state", "due_at"), "the unfinished messages of a partition, taken up"),
    Index(MESSAGES, ("profile_id", "carrier_ids"), "the message a carrier's receipt is about"),
    relay_index(MESSAGES),
    Index(GROUPS, ("tenant", "members"), "the groups a sending user is a member of"),
    Index(PROJECTS, ("tenant", "numbers"), "the project a sending number belongs to"),
)
