"""A new user's first text: the sandbox carrier, end to end over Kafka, FerretDB and HTTP."""

from __future__ import annotations

import pytest

from tests.e2e.carrier_gateway.conftest import TENANT, Gateway

pytestmark = pytest.mark.e2e
NUMBER, FRIEND = "+14155550100", "+14155550199"


async def test_a_text_through_the_sandbox_carrier_is_delivered_and_each_state_is_an_event(
    gateway: Gateway,
) -> None:
    profile = await gateway.profile("sandbox")
    await gateway.number(NUMBER, profile["profile_id"])

    message_id = await gateway.send(NUMBER, [FRIEND], "Hello from textbus")

    message = await gateway.settled(message_id)
    assert message["state"] == "delivered", message
    assert [h["state"] for h in message["history"]] == [
        "accepted",
        "queued",
        "submitted",
        "sent",
        "delivered",
    ]
    assert message["encoding"] == "GSM-7" and message["segments"] == 1
    assert message["carrier_ids"] and message["carrier"] == "sandbox"
    events = [e for e in await gateway.statuses(5) if e.message_id == message_id]
    assert [e.state for e in events] == ["accepted", "queued", "submitted", "sent", "delivered"]
    assert all(e.from_number == NUMBER for e in events)


async def test_the_same_message_id_twice_is_one_message(gateway: Gateway) -> None:
    profile = await gateway.profile("sandbox")
    await gateway.number(NUMBER, profile["profile_id"])

    first = await gateway.send(NUMBER, [FRIEND], "once", message_id="m-1")
    await gateway.send(NUMBER, [FRIEND], "twice", message_id="m-1")

    message = await gateway.settled(first)
    assert message["state"] == "delivered"
    submitted = await gateway.db["outbound_messages"].count_documents({"message_id": "m-1"})
    assert submitted == 1
    assert (await gateway.db["outbound_messages"].find_one({"_id": f"{TENANT}/m-1"}))["text"] == "once"
