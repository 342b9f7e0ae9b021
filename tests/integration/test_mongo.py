"""The database patterns every service relies on, against the real database."""

from typing import Any
from uuid import uuid4

import pytest
from pymongo import AsyncMongoClient

from textbus.kit.mongo import APPLIED_ENVELOPES_KEPT, apply_once

pytestmark = pytest.mark.integration


async def test_an_envelope_is_applied_to_a_document_once(
    mongo: AsyncMongoClient[dict[str, Any]], isolation: str
) -> None:
    counters = mongo[f"{isolation}_kit"]["counters"]
    first, second = uuid4(), uuid4()

    assert await apply_once(counters, "c1", first, {"$inc": {"n": 1}}) is True
    assert await apply_once(counters, "c1", first, {"$inc": {"n": 1}}) is False
    assert await apply_once(counters, "c1", second, {"$inc": {"n": 1}}) is True
    assert await apply_once(counters, "c1", second, {"$inc": {"n": 1}}) is False

    assert (await counters.find_one({"_id": "c1"}) or {})["n"] == 2


async def test_a_document_remembers_a_bounded_number_of_recent_envelopes(
    mongo: AsyncMongoClient[dict[str, Any]], isolation: str
) -> None:
    counters = mongo[f"{isolation}_kit"]["counters"]
    envelopes = [uuid4() for _ in range(3 * APPLIED_ENVELOPES_KEPT)]
    for envelope in envelopes:
        await apply_once(counters, "c2", envelope, {"$inc": {"n": 1}})

    document = await counters.find_one({"_id": "c2"}) or {}
    assert document["n"] == len(envelopes)
    assert len(document["_applied"]) == APPLIED_ENVELOPES_KEPT
    recent = envelopes[-APPLIED_ENVELOPES_KEPT:]
    assert [await apply_once(counters, "c2", e, {"$inc": {"n": 1}}) for e in recent] == [False] * len(recent)
