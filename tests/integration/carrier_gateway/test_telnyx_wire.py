"""Telnyx's adapter against the Telnyx simulator over loopback HTTP."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr

from tests.integration.carrier_gateway.wire import ELEVEN_MEDIA, SENDER, CallbackSink, TransportRules, Wire
from textbus.carrier_gateway.adapters.carriers.telnyx import TelnyxCarrier, TelnyxCredentials
from textbus.carrier_gateway.service.carriers import CarrierRefused, Media
from textbus.devinfra.carriers.simulator import InboundFile, InboundMessage
from textbus.devinfra.carriers.telnyx import TelnyxSimulator

API_KEY = "KEY01234567890_a-telnyx-api-key"


@pytest.fixture(scope="module")
async def simulator() -> AsyncIterator[TelnyxSimulator]:
    simulator = TelnyxSimulator(API_KEY)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture(scope="module")
def wire(simulator: TelnyxSimulator, sink: CallbackSink) -> Wire:
    credentials = TelnyxCredentials(
        api_key=SecretStr(API_KEY),
        webhook_public_key=SecretStr(simulator.public_key_b64),
        messaging_profile_id="4000eba1-a0c0-4563-9925-b25e842a7cb6",
    )
    return Wire(
        carrier=TelnyxCarrier(),
        simulator=simulator,
        credentials=credentials,
        wrong_credentials=credentials.model_copy(update={"api_key": SecretStr("KEY_wrong")}),
        opted_out=simulator.opted_out,
        opted_out_code="40300",
        callback_url=f"{sink.url}/telnyx/status",
    )


class TestTransport(TransportRules):
    pass


async def test_a_message_is_accepted_with_telnyxs_id_and_parts(
    wire: Wire, simulator: TelnyxSimulator, http: aiohttp.ClientSession
) -> None:
    accepted = await wire.carrier.submit(
        http, simulator.url, wire.credentials, wire.submission(text="y" * 200)
    )
    assert uuid.UUID(accepted.carrier_ids[0]) and accepted.segments == 2
    sent = simulator.sent[-1]
    assert sent.request == {
        "from": SENDER,
        "to": "+15552223333",
        "text": "y" * 200,
        "webhook_url": wire.callback_url,
        "messaging_profile_id": "4000eba1-a0c0-4563-9925-b25e842a7cb6",
    }


async def test_a_group_text_goes_to_the_group_mms_endpoint(
    wire: Wire, simulator: TelnyxSimulator, http: aiohttp.ClientSession
) -> None:
    group = wire.submission(
        "+15552223333", "+15552224444", media=(Media("https://example.com/a.gif", "image/gif", 500),)
    )
    accepted = await wire.carrier.submit(http, simulator.url, wire.credentials, group)
    sent = simulator.sent[-1]
    assert sent.carrier_id == accepted.carrier_ids[0]
    assert sent.recipients == ("+15552223333", "+15552224444")
    assert sent.request["media_urls"] == ["https://example.com/a.gif"]


@pytest.mark.parametrize(
    ("submission", "code"),
    [
        ({"recipients": ("5552223333",)}, "10016"),
        (
            {"media": ELEVEN_MEDIA},
            "10015",
        ),
        ({"text": "z" * 1600}, "10015"),
        ({"recipients": tuple(f"+1555000000{i}" for i in range(9))}, "10015"),
    ],
)
async def test_telnyxs_validations_are_refusals_with_its_code(
    wire: Wire, http: aiohttp.ClientSession, submission: dict[str, object], code: str
) -> None:
    with pytest.raises(CarrierRefused) as refused:
        await wire.submit(http, dataclasses.replace(wire.submission(), **submission))  # type: ignore[arg-type]
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("outcome", "status", "code"), [("undelivered", "undelivered", "40008"), ("failed", "failed", "40001")]
)
async def test_a_message_that_did_not_arrive_reports_telnyxs_error_code(
    wire: Wire,
    simulator: TelnyxSimulator,
    sink: CallbackSink,
    http: aiohttp.ClientSession,
    outcome: str,
    status: str,
    code: str,
) -> None:
    simulator.outcome = lambda _: outcome
    accepted = await wire.carrier.submit(http, simulator.url, wire.credentials, wire.submission())
    final = (await sink.callbacks(accepted.carrier_ids[0], 1 if outcome == "failed" else 2))[-1]
    [receipt] = wire.carrier.receipts(final)
    assert (receipt.status, receipt.error_code) == (status, code)


async def test_a_forged_event_is_not_authentic(
    wire: Wire, sink: CallbackSink, http: aiohttp.ClientSession
) -> None:
    accepted = await wire.carrier.submit(http, wire.simulator.url, wire.credentials, wire.submission())
    genuine = (await sink.callbacks(accepted.carrier_ids[0], 1))[0]
    tampered = dataclasses.replace(genuine, body=genuine.body.replace(b'"sent"', b'"delivered"'))
    other_key = TelnyxSimulator(API_KEY).public_key_b64
    assert wire.carrier.authentic(genuine, wire.credentials)
    assert not wire.carrier.authentic(tampered, wire.credentials)
    assert not wire.carrier.authentic(
        genuine, wire.credentials.model_copy(update={"webhook_public_key": SecretStr(other_key)})
    )


async def test_an_incoming_group_mms_from_the_simulator_is_authentic_and_read(
    simulator: TelnyxSimulator, wire: Wire, sink: CallbackSink
) -> None:
    message = InboundMessage(
        "+14155550100",
        "+14155550199",
        "hi ☀",
        media=(InboundFile("https://m.example/1.png", "image/png", 2048),),
        cc=("+14155550123",),
        carrier_id=str(uuid.uuid4()),
    )
    [call] = await simulator.deliver_inbound(message, f"{sink.url}/telnyx/inbound")
    assert call.taken
    [request] = sink.about(message.carrier_id)
    carrier = TelnyxCarrier()
    assert carrier.authentic(request, wire.credentials)
    [text] = carrier.inbound(request)
    assert (text.carrier_id, text.sender, text.recipient, text.text, text.cc) == (
        message.carrier_id,
        "+14155550100",
        "+14155550199",
        "hi ☀",
        ("+14155550123",),
    )
    assert [(m.url, m.content_type, m.size) for m in text.media] == [
        ("https://m.example/1.png", "image/png", 2048)
    ]
    assert carrier.receipts(request) == []
    assert carrier.replay_key(request) == request.headers["telnyx-signature-ed25519"]
    tampered = dataclasses.replace(request, body=request.body.replace(b"hi", b"ho"))
    assert not carrier.authentic(tampered, wire.credentials)
