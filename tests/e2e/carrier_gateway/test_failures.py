"""What goes wrong, and what the gateway does about it: a carrier down or throttling, callbacks
duplicated and reordered, a crash between a submit and its record, and bad input of every kind:
never a message lost, sent twice or moved backwards, never a 5xx, never a credential shown."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from pymongo import AsyncMongoClient

from tests.e2e.carrier_gateway.conftest import TENANT, Gateway
from tests.support import eventually, produce, read_records
from textbus.contracts import dead_letter_topic
from textbus.devinfra.carriers.simulator import Fault
from textbus.devinfra.carriers.twilio import TwilioSimulator
from textbus.devinfra.processes import free_port
from textbus.kit.settings import ServiceSettings

pytestmark = pytest.mark.e2e
NUMBER, FRIEND = "+14155550100", "+14155550199"
SID, TOKEN = "AC" + "7" * 32, "twilio-auth-token-do-not-leak"


@pytest.fixture
async def twilio() -> AsyncIterator[TwilioSimulator]:
    simulator = TwilioSimulator(SID, TOKEN)
    await simulator.start()
    yield simulator
    await simulator.stop()


async def twilio_number(gateway: Gateway, twilio: TwilioSimulator) -> str:
    profile = await gateway.profile(
        "twilio", {"account_sid": SID, "auth_token": TOKEN}, api_url=twilio.url, profile_id="tw-1"
    )
    await gateway.number(NUMBER, profile["profile_id"])
    return str(profile["profile_id"])


async def test_a_carrier_down_for_a_while_gets_every_message_once_it_is_back(
    gateway: Gateway, twilio: TwilioSimulator
) -> None:
    await twilio_number(gateway, twilio)
    twilio.faults.down = Fault(status=503)

    ids = [await gateway.send(NUMBER, [FRIEND], f"text {i}") for i in range(5)]
    await eventually(lambda: asyncio.sleep(0, twilio.requests >= 5), timeout=30)
    twilio.faults.clear()

    for message_id in ids:
        assert (await gateway.settled(message_id))["state"] == "delivered"
    assert sorted(m.text for m in twilio.sent) == [f"text {i}" for i in range(5)]  # each once


async def test_a_throttling_carrier_is_waited_for_as_it_asks(
    gateway: Gateway, twilio: TwilioSimulator
) -> None:
    await twilio_number(gateway, twilio)
    twilio.faults.next = [
        Fault(status=429, retry_after=1, body='{"code": 20429, "message": "Too Many Requests"}')
    ]

    message = await gateway.settled(await gateway.send(NUMBER, [FRIEND]))

    assert message["state"] == "delivered"
    assert twilio.requests == 2 and len(twilio.sent) == 1


async def test_duplicated_and_reordered_callbacks_never_move_a_message_backwards(
    gateway: Gateway, twilio: TwilioSimulator
) -> None:
    await twilio_number(gateway, twilio)
    twilio.faults.duplicate_callbacks = 1.0
    twilio.faults.reorder_callbacks = True  # "delivered" first, then "sent"

    message_id = await gateway.send(NUMBER, [FRIEND])
    message = await gateway.settled(message_id)
    await eventually(lambda: asyncio.sleep(0, len(twilio.callbacks_sent) >= 4))
    await asyncio.sleep(1)  # the late "sent" reports have been taken

    message = await gateway.message(message_id)
    assert message["state"] == "delivered"
    assert [h["state"] for h in message["history"]] == ["accepted", "queued", "submitted", "delivered"]
    events = [e.state for e in await gateway.statuses(4) if e.message_id == message_id]
    assert events == ["accepted", "queued", "submitted", "delivered"]


async def test_a_carrier_that_refuses_fails_the_message_with_its_code(
    gateway: Gateway, twilio: TwilioSimulator
) -> None:
    await twilio_number(gateway, twilio)
    twilio.opted_out.add(FRIEND)  # Twilio's own opt-out list: 21610

    message = await gateway.settled(await gateway.send(NUMBER, [FRIEND]))

    assert (message["state"], message["code"]) == ("failed", "21610")


async def test_callbacks_that_are_not_the_carriers_are_refused_and_none_is_a_5xx(
    gateway: Gateway, twilio: TwilioSimulator
) -> None:
    profile_id = await twilio_number(gateway, twilio)
    message_id = await gateway.send(NUMBER, [FRIEND])
    await gateway.settled(message_id)
    webhook = f"{gateway.url}/v1/carriers/{profile_id}/webhook?m={message_id}"
    form = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "failed", "From": NUMBER, "To": FRIEND}

    async with aiohttp.ClientSession() as http:
        answers = []
        for headers in ({}, {"X-Twilio-Signature": "bm90IHRoZSBzaWduYXR1cmU="}):
            async with http.post(webhook, data=form, headers=headers) as answer:
                answers.append((answer.status, (await answer.json())["code"]))
        async with http.post(f"{gateway.url}/v1/carriers/no-such-profile/webhook", data=form) as answer:
            answers.append((answer.status, (await answer.json())["code"]))
    assert answers == [
        (401, "callback-not-authentic"),
        (401, "callback-not-authentic"),
        (404, "carrier-profile-not-found"),
    ]
    assert (await gateway.message(message_id))["state"] == "delivered"  # nothing forged got through
    _, metrics = await gateway.call("GET", "/metrics")
    assert "textbus_carrier_callbacks_refused_total 2.0" in metrics


async def test_a_sandbox_callback_for_an_unknown_message_or_unreadable_is_a_4xx(gateway: Gateway) -> None:
    profile = await gateway.profile("sandbox")
    webhook = profile["webhook_url"]
    async with aiohttp.ClientSession() as http:
        async with http.post(webhook, json={"id": "SB-nobody", "status": "delivered"}) as answer:
            unknown = answer.status, (await answer.json())["code"]
        async with http.post(webhook, data=b"\xff\xfe not json") as answer:
            unreadable = answer.status, (await answer.json())["code"]
    assert unknown == (404, "message-unknown")
    assert unreadable == (400, "callback-malformed")


async def test_a_malformed_send_request_is_dead_lettered_and_the_next_one_is_sent(gateway: Gateway) -> None:
    profile = await gateway.profile("sandbox")
    await gateway.number(NUMBER, profile["profile_id"])
    topic = gateway.settings.topic_name("sms.outbound.requested.v1")
    await produce(
        gateway.settings.kafka.bootstrap_servers, topic, b'{"not": "an envelope"', key=NUMBER.encode()
    )

    message = await gateway.settled(await gateway.send(NUMBER, [FRIEND]))

    assert message["state"] == "delivered"
    dead = await read_records(
        gateway.settings.kafka.bootstrap_servers,
        gateway.settings.topic_name(dead_letter_topic("carrier-gateway")),
        1,
    )
    assert dict(dead[0].headers)["x-dead-letter-reason"] == b"malformed"


async def test_credentials_never_reach_a_log_a_topic_or_an_answer(
    gateway: Gateway, twilio: TwilioSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    profile_id = await twilio_number(gateway, twilio)
    answers: list[Any] = []
    for message_id in [await gateway.send(NUMBER, [FRIEND]) for _ in range(2)]:
        answers.append(await gateway.settled(message_id))
    twilio.faults.next = [Fault(status=401, body='{"code": 20003, "message": "Authenticate"}')]
    answers.append(await gateway.call("POST", f"/v1/tenants/{TENANT}/carrier-profiles/{profile_id}/check"))
    answers.append(await gateway.call("GET", f"/v1/tenants/{TENANT}/carrier-profiles/{profile_id}"))
    assert answers[-2][0] == 422 and answers[-2][1]["code"] == "credentials-refused"

    records: list[bytes] = []
    for topic in (
        "sms.outbound.requested.v1",
        "sms.outbound.status.v1",
        "sms.outbound.receipts.v1",
        "carriers.events.v1",
        "sms.activity.v1",
    ):
        records += [
            r.value or b""
            for r in await read_records(
                gateway.settings.kafka.bootstrap_servers, gateway.settings.topic_name(topic), 1
            )
        ]
    everything = "\n".join([caplog.text, json.dumps(answers, default=str), *(r.decode() for r in records)])
    assert TOKEN not in everything
    stored = await gateway.db["carrier_profiles"].find_one({"_id": profile_id})
    assert TOKEN not in str(stored)


async def test_a_crash_between_a_submit_and_its_record_never_sends_the_message_twice(
    service_env: dict[str, str],
    settings_for: Callable[[str], ServiceSettings],
    mongo: AsyncMongoClient[dict[str, Any]],
    credential_keys: str,
    twilio: TwilioSimulator,
) -> None:
    """The gateway process is killed while the carrier holds its submit; the next start finds the
    message mid-submit and makes it submit-unknown instead of sending it again."""
    port = free_port()
    env = {
        **service_env,
        "TEXTBUS_CARRIER_GATEWAY_PORT": str(port),
        "TEXTBUS_CARRIER_GATEWAY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "TEXTBUS_CARRIER_GATEWAY_CREDENTIAL_KEYS": credential_keys,
    }
    settings = settings_for("carrier-gateway")

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "textbus.carrier_gateway"], env=env, stdin=subprocess.DEVNULL
        )

    async def ready(http: aiohttp.ClientSession) -> bool:
        try:
            async with http.get(f"http://127.0.0.1:{port}/readyz") as answer:
                return answer.status == 200
        except aiohttp.ClientConnectionError:
            return False

    process = start()
    async with aiohttp.ClientSession() as http:
        gateway = Gateway(
            f"http://127.0.0.1:{port}", http, settings, mongo[settings.database_name], credential_keys
        )
        try:
            await eventually(lambda: ready(http), timeout=90)
            await gateway.enterprise()
            await twilio_number(gateway, twilio)
            twilio.faults.next = [Fault(hang=True)]
            message_id = await gateway.send(NUMBER, [FRIEND])
            await eventually(lambda: asyncio.sleep(0, twilio.requests >= 1), timeout=60)
        finally:
            process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(process.wait, 30)

        restarted = start()
        try:
            await eventually(lambda: ready(http), timeout=90)
            message = await gateway.settled(message_id)
            assert message["state"] == "submit-unknown", message
            await asyncio.sleep(2)
            assert twilio.requests == 1 and twilio.sent == []  # the one request, which the carrier held
        finally:
            restarted.send_signal(signal.SIGTERM)
            assert await asyncio.to_thread(restarted.wait, 30) == 0
