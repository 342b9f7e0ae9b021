"""Twilio's adapter against the Twilio simulator over loopback HTTP."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr

from tests.integration.carrier_gateway.wire import ELEVEN_MEDIA, SENDER, CallbackSink, TransportRules, Wire
from textbus.carrier_gateway.adapters.carriers.twilio import TwilioCarrier, TwilioCredentials
from textbus.carrier_gateway.service.carriers import CarrierRefused, Media
from textbus.devinfra.carriers.simulator import InboundFile, InboundMessage
from textbus.devinfra.carriers.twilio import TwilioSimulator

SID, TOKEN = "AC" + "1" * 32, "a-twilio-auth-token"


@pytest.fixture(scope="module")
async def simulator() -> AsyncIterator[TwilioSimulator]:
    simulator = TwilioSimulator(SID, TOKEN)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture(scope="module")
def wire(simulator: TwilioSimulator, sink: CallbackSink) -> Wire:
    return Wire(
        carrier=TwilioCarrier(),
        simulator=simulator,
        credentials=TwilioCredentials(account_sid=SID, auth_token=SecretStr(TOKEN)),
        wrong_credentials=TwilioCredentials(account_sid=SID, auth_token=SecretStr("not-the-token")),
        opted_out=simulator.opted_out,
        opted_out_code="21610",
        callback_url=f"{sink.url}/twilio/status?profile=p1",
    )


class TestTransport(TransportRules):
    pass


async def test_a_message_is_accepted_with_a_twilio_sid_and_its_segments(
    wire: Wire, simulator: TwilioSimulator, http: aiohttp.ClientSession
) -> None:
    submission = wire.submission(media=(Media("https://example.com/a.jpg", "image/jpeg", 1000),))
    accepted = await wire.carrier.submit(http, simulator.url, wire.credentials, submission)
    assert re.fullmatch(r"SM[0-9a-f]{32}", accepted.carrier_ids[0])
    assert accepted.segments == 1
    sent = simulator.sent[-1]
    assert (sent.carrier_id, sent.sender, sent.recipients) == (
        accepted.carrier_ids[0],
        SENDER,
        ("+15552223333",),
    )
    assert sent.media == ("https://example.com/a.jpg",)
    assert sent.request["StatusCallback"] == wire.callback_url and sent.request["ValidityPeriod"] == "3600"


async def test_a_long_text_counts_its_segments(wire: Wire, http: aiohttp.ClientSession) -> None:
    accepted = await wire.carrier.submit(
        http, wire.simulator.url, wire.credentials, wire.submission(text="x" * 400)
    )
    assert accepted.segments == 3


@pytest.mark.parametrize(
    ("submission", "code"),
    [
        ({"recipients": ("+0123",)}, "21211"),
        ({"recipients": ("not a number",)}, "21211"),
        ({"text": "x" * 1601}, "21617"),
        (
            {"media": ELEVEN_MEDIA},
            "21623",
        ),
        ({"text": "", "media": ()}, "21602"),
    ],
)
async def test_twilios_validations_are_refusals_with_its_code(
    wire: Wire, http: aiohttp.ClientSession, submission: dict[str, object], code: str
) -> None:
    with pytest.raises(CarrierRefused) as refused:
        await wire.submit(http, dataclasses.replace(wire.submission(), **submission))  # type: ignore[arg-type]
    assert refused.value.code == code


async def test_an_undelivered_message_reports_twilios_error_code(
    wire: Wire, simulator: TwilioSimulator, sink: CallbackSink, http: aiohttp.ClientSession
) -> None:
    simulator.outcome = lambda _: "undelivered"
    accepted = await wire.carrier.submit(http, simulator.url, wire.credentials, wire.submission())
    final = (await sink.callbacks(accepted.carrier_ids[0], 2))[-1]
    [receipt] = wire.carrier.receipts(final)
    assert (receipt.status, receipt.error_code) == ("undelivered", "30003")


async def test_a_forged_callback_is_not_authentic(
    wire: Wire, sink: CallbackSink, http: aiohttp.ClientSession
) -> None:
    accepted = await wire.carrier.submit(http, wire.simulator.url, wire.credentials, wire.submission())
    genuine = (await sink.callbacks(accepted.carrier_ids[0], 1))[0]
    tampered = dataclasses.replace(
        genuine, body=genuine.body.replace(b"MessageStatus=sent", b"MessageStatus=failed")
    )
    elsewhere = dataclasses.replace(genuine, url=genuine.url.replace("profile=p1", "profile=p2"))
    assert wire.carrier.authentic(genuine, wire.credentials)
    assert not wire.carrier.authentic(tampered, wire.credentials)
    assert not wire.carrier.authentic(elsewhere, wire.credentials)
    assert not wire.carrier.authentic(genuine, wire.wrong_credentials)


async def test_an_incoming_text_from_the_simulator_is_authentic_and_read(sink: CallbackSink) -> None:
    simulator = TwilioSimulator(SID, TOKEN)
    credentials = TwilioCredentials(account_sid=SID, auth_token=SecretStr(TOKEN))
    message = InboundMessage(
        "+14155550100", "+14155550199", "hi ☀", media=(InboundFile("https://m.example/1.png", "image/png"),)
    )
    async with simulator:
        [call] = await simulator.deliver_inbound(message, sink.url + "/v1/carriers/p1/webhook")
    assert call.taken
    [request] = sink.about(call.request.body.decode().split("MessageSid=")[1].split("&")[0])
    carrier = TwilioCarrier()
    assert carrier.authentic(request, credentials)
    assert not carrier.authentic(request, TwilioCredentials(account_sid=SID, auth_token=SecretStr("wrong")))
    [text] = carrier.inbound(request)
    assert (text.sender, text.recipient, text.text) == ("+14155550100", "+14155550199", "hi ☀")
    assert text.carrier_id.startswith("IN")
    assert [(m.url, m.content_type) for m in text.media] == [("https://m.example/1.png", "image/png")]
