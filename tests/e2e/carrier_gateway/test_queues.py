"""Pacing and queues: a number sends at its rate and never delays another; a restart with a full
queue loses nothing and sends nothing twice."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import pytest

from tests.e2e.carrier_gateway.conftest import Gateway, GatewayStarter
from tests.support import eventually

pytestmark = pytest.mark.e2e
BUSY, QUIET, FRIEND = "+14155550100", "+14155550101", "+14155550199"


def submitted_at(message: dict[str, Any]) -> datetime:
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

    async def submitted(message_id: str) -> dict[str, Any] | None:
        message = await gateway.message(message_id)
        return message if any(h["state"] == "submitted" for h in message["history"]) else None

    went = await eventually(lambda: submitted(quiet), timeout=30)

    async def all_submitted() -> bool:
        return (
            await gateway.count(from_number=BUSY, state={"$in": ["submitted", "sent", "delivered"]}) == 1000
        )

    await eventually(all_submitted, timeout=300)
    first, last = await gateway.message(busy[0]), await gateway.message(busy[-1])
    spread = (submitted_at(last) - submitted_at(first)).total_seconds()
    assert spread >= 999 / rate * 0.98, spread  # 1,000 one-segment messages at 100 a second
    # The quiet number's message went at once, while the busy number still had messages to send.
    assert (submitted_at(went) - datetime.fromisoformat(went["history"][0]["at"])).total_seconds() < 5
    assert submitted_at(went) < submitted_at(last)
    assert (await gateway.settled(quiet))["state"] == "delivered"


async def test_messages_faster_than_their_numbers_rate_wait_their_turn(gateway: Gateway) -> None:
    rate = 2.0
    profile = await gateway.profile("sandbox", number_rates={"long-code": rate})
    await gateway.number(BUSY, profile["profile_id"])

    ids = await gateway.send_many(BUSY, 20)

    async def all_submitted() -> bool:
        return await gateway.count(from_number=BUSY, state={"$in": ["submitted", "sent", "delivered"]}) == 20

    await eventually(all_submitted, timeout=60)
    messages = [await gateway.message(message_id) for message_id in ids]
    taken = [datetime.fromisoformat(m["history"][0]["at"]) for m in messages]
    went = sorted(submitted_at(m) for m in messages)
    assert (max(taken) - min(taken)).total_seconds() < 19 / rate / 2  # they all came well before their turn
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(went)]
    assert min(gaps) >= 1 / rate * 0.9, gaps  # one segment every half second, not all at once


async def test_a_number_whose_queue_holds_its_cap_refuses_more_with_queue_full(
    start_gateway: GatewayStarter,
) -> None:
    async with start_gateway(queue_hours=3 / 3600) as gateway:  # three seconds of a long code's rate
        await gateway.enterprise()
        profile = await gateway.profile("sandbox", number_rates={"long-code": 1.0})
        await gateway.number(BUSY, profile["profile_id"])

        ids = await gateway.send_many(BUSY, 6)

        async def taken() -> bool:
            return await gateway.count(from_number=BUSY) == 6

        await eventually(taken)
        states = [(await gateway.message(message_id)) for message_id in ids]
        refused = [m for m in states if m["state"] == "refused"]
        assert refused and all(m["code"] == "queue-full" for m in refused)
        assert len(refused) < 6


async def test_a_restart_with_a_full_queue_loses_nothing_and_sends_nothing_twice(
    start_gateway: GatewayStarter,
) -> None:
    async with start_gateway() as gateway:
        await gateway.enterprise()
        profile = await gateway.profile("sandbox", number_rates={"long-code": 1.0})
        await gateway.number(BUSY, profile["profile_id"])
        ids = await gateway.send_many(BUSY, 20)

        async def some_delivered_none_reporting() -> bool:
            # The sandbox carrier lives in the gateway: its reports of a message still on the way
            # would stop with it (a real carrier retries). Stop between two messages instead.
            delivered = await gateway.count(from_number=BUSY, state="delivered")
            reporting = await gateway.count(from_number=BUSY, state={"$in": ["submitted", "sent"]})
            return delivered > 0 and reporting == 0

        await eventually(some_delivered_none_reporting, timeout=60)
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
