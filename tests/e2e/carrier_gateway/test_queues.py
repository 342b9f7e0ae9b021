"""Pacing and queues: a number sends at its rate and never delays another; a restart with a full
queue loses nothing and sends nothing twice."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.carrier_gateway.conftest import Gateway, GatewayStarter
from tests.support import eventually

pytestmark = pytest.mark.e2e
BUSY, QUIET, FRIEND = "+14155550100", "+14155550101", "+14155550199"


def submitted_at(message: dict[str, object]) -> datetime:
    history = message["history"]
    assert isinstance(history, list)
    return next(datetime.fromisoformat(h["at"]) for h in history if h["state"] == "submitted")


async def test_a_long_queue_goes_at_its_numbers_rate_while_another_number_sends_at_once(
    gateway: Gateway,
) -> None:
    rate = 100.0  # segments per second for a long code (the default is 1)
    profile = await gateway.profile("sandbox", number_rates={"long-code": rate}, segments_per_second=10_000)
    await gateway.number(BUSY, profile["profile_id"])
    await gateway.number(QUIET, profile["profile_id"], assignee=("user", "u-1"))

    busy = await gateway.send_many(BUSY, 1000)
    await eventually(lambda: gateway.count(from_number=BUSY), timeout=120)
    quiet = await gateway.send(QUIET, [FRIEND], "not behind the queue")

    quick = await gateway.settled(quiet, timeout=60)
    assert quick["state"] == "delivered"

    async def all_submitted() -> bool:
        return (
            await gateway.count(from_number=BUSY, state={"$in": ["submitted", "sent", "delivered"]}) == 1000
        )

    await eventually(all_submitted, timeout=300)
    first, last = await gateway.message(busy[0]), await gateway.message(busy[-1])
    spread = (submitted_at(last) - submitted_at(first)).total_seconds()
    assert spread >= 999 / rate * 0.98, spread  # 1,000 one-segment messages at 100 a second
    # The quiet number's message went while the busy one's queue still had seconds to go.
    assert submitted_at(quick) < submitted_at(last)
    assert (submitted_at(quick) - datetime.fromisoformat(quick["history"][0]["at"])).total_seconds() < 5


async def test_a_restart_with_a_full_queue_loses_nothing_and_sends_nothing_twice(
    start_gateway: GatewayStarter,
) -> None:
    async with start_gateway() as gateway:
        await gateway.enterprise()
        profile = await gateway.profile("sandbox", number_rates={"long-code": 2.0})
        await gateway.number(BUSY, profile["profile_id"])
        ids = await gateway.send_many(BUSY, 20)
        await eventually(lambda: gateway.count(from_number=BUSY, state="submitted"), timeout=60)
        queued = await gateway.count(from_number=BUSY, state="queued")
        assert queued > 0  # stopped with messages still waiting for their turn

    async with start_gateway() as gateway:

        async def all_delivered() -> bool:
            return await gateway.count(from_number=BUSY, state="delivered") == len(ids)

        await eventually(all_delivered, timeout=120)
        # Each message went to the carrier once: one carrier id, one "submitted" in its history.
        for message_id in ids:
            message = await gateway.message(message_id)
            assert len(message["carrier_ids"]) == 1
            assert [h["state"] for h in message["history"]].count("submitted") == 1
