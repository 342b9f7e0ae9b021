"""Bandwidth's adapter against the Bandwidth simulator over loopback HTTP."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr

from tests.integration.carrier_gateway.wire import ELEVEN_MEDIA, SENDER, CallbackSink, TransportRules, Wire
from textbus.carrier_gateway.adapters.carriers.bandwidth import BandwidthCarrier, BandwidthCredentials
from textbus.carrier_gateway.service.carriers import CarrierRefused
from textbus.devinfra.carriers.bandwidth import BandwidthSimulator
from textbus.devinfra.carriers.simulator import InboundFile, InboundMessage

ACCOUNT, APPLICATION = "9900000", "93de2206-9669-4e07-948d-329f4b722ee2"
CREDENTIALS = BandwidthCredentials(
    account_id=ACCOUNT,
    application_id=APPLICATION,
    username="api-user",
    password=SecretStr("api-password"),
    callback_username="bw-callbacks",
    callback_password=SecretStr("callback-password"),
)


@pytest.fixture(scope="module")
async def simulator(sink: CallbackSink) -> AsyncIterator[BandwidthSimulator]:
    simulator = BandwidthSimulator(
        ACCOUNT,
        APPLICATION,
        "api-user",
        "api-password",
        f"{sink.url}/bandwidth/status",
        "bw-callbacks",
        "callback-password",
    )
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture(scope="module")
def wire(simulator: BandwidthSimulator, sink: CallbackSink) -> Wire:
    return Wire(
        carrier=BandwidthCarrier(),
        simulator=simulator,
        credentials=CREDENTIALS,
        wrong_credentials=CREDENTIALS.model_copy(update={"password": SecretStr("wrong")}),
        opted_out=set(),
        opted_out_code=None,  # Bandwidth does nothing for STOP on long codes
        callback_url=simulator.callback_url,
    )


class TestTransport(TransportRules):
    pass


async def test_a_message_is_accepted_with_bandwidths_id_and_segment_count(
    wire: Wire, simulator: BandwidthSimulator, http: aiohttp.ClientSession
) -> None:
    submission = wire.submission(text="w" * 300)
    accepted = await wire.carrier.submit(http, simulator.url, CREDENTIALS, submission)
    assert re.fullmatch(r"\d{13}[a-z0-9]{16}", accepted.carrier_ids[0]) and accepted.segments == 2
    request = simulator.sent[-1].request
    assert request["applicationId"] == APPLICATION and request["tag"] == submission.message_id
    assert (request["from"], request["to"]) == (SENDER, ["+15552223333"])
    assert "expiration" in request


async def test_a_wrong_account_is_refused_as_credentials(wire: Wire, http: aiohttp.ClientSession) -> None:
    elsewhere = CREDENTIALS.model_copy(update={"account_id": "9900001"})
    with pytest.raises(CarrierRefused) as refused:
        await wire.carrier.submit(http, wire.simulator.url, elsewhere, wire.submission())
    assert refused.value.code == "credentials-refused"


@pytest.mark.parametrize(
    ("submission", "field"),
    [
        ({"recipients": ("+invalid",)}, "to"),
        ({"text": "v" * 2049}, "text"),
        ({"media": ELEVEN_MEDIA}, "media"),
    ],
)
async def test_bandwidths_validations_are_request_validation_refusals_naming_the_field(
    wire: Wire, http: aiohttp.ClientSession, submission: dict[str, object], field: str
) -> None:
    with pytest.raises(CarrierRefused) as refused:
        await wire.submit(http, dataclasses.replace(wire.submission(), **submission))  # type: ignore[arg-type]
    assert refused.value.code == "request-validation"
    assert f"{field}: " in refused.value.reason


async def test_a_group_message_reports_each_recipient(
    wire: Wire, sink: CallbackSink, http: aiohttp.ClientSession
) -> None:
    group = wire.submission("+15552223333", "+15552224444")
    accepted = await wire.carrier.submit(http, wire.simulator.url, CREDENTIALS, group)
    received = await sink.callbacks(accepted.carrier_ids[0], 4)
    delivered = [r for c in received for r in wire.carrier.receipts(c) if r.status == "delivered"]
    assert sorted(r.recipient or "" for r in delivered) == ["+15552223333", "+15552224444"]


@pytest.mark.parametrize(("outcome", "code"), [("undelivered", "4405"), ("failed", "4432")])
async def test_a_failed_message_reports_bandwidths_error_code(
    wire: Wire, sink: CallbackSink, http: aiohttp.ClientSession, outcome: str, code: str
) -> None:
    wire.simulator.outcome = lambda _: outcome
    accepted = await wire.carrier.submit(http, wire.simulator.url, CREDENTIALS, wire.submission())
    final = (await sink.callbacks(accepted.carrier_ids[0], 1 if outcome == "failed" else 2))[-1]
    [receipt] = wire.carrier.receipts(final)
    assert (receipt.status, receipt.error_code) == ("failed", code)


async def test_a_callback_without_the_applications_credentials_is_not_authentic(
    wire: Wire, sink: CallbackSink, http: aiohttp.ClientSession
) -> None:
    accepted = await wire.carrier.submit(http, wire.simulator.url, CREDENTIALS, wire.submission())
    genuine = (await sink.callbacks(accepted.carrier_ids[0], 1))[0]
    forged = dataclasses.replace(genuine, headers={**genuine.headers, "authorization": "Basic Zm9vOmJhcg=="})
    anonymous = dataclasses.replace(genuine, headers={})
    assert wire.carrier.authentic(genuine, CREDENTIALS)
    assert not wire.carrier.authentic(forged, CREDENTIALS)
    assert not wire.carrier.authentic(anonymous, CREDENTIALS)


async def test_an_incoming_group_mms_from_the_simulator_is_authentic_and_read(
    simulator: BandwidthSimulator, sink: CallbackSink
) -> None:
    message = InboundMessage(
        "+14155550100",
        "+14155550199",
        "hi ☀",
        media=(InboundFile("https://messaging.bandwidth.com/api/v2/users/1/media/m1.png", "image/png"),),
        cc=("+14155550123",),
        carrier_id=f"in-{uuid.uuid4()}",
    )
    [call] = await simulator.deliver_inbound(message, f"{sink.url}/bandwidth/inbound")
    assert call.taken
    [request] = sink.about(message.carrier_id)
    carrier = BandwidthCarrier()
    assert carrier.authentic(request, CREDENTIALS)
    [text] = carrier.inbound(request)
    assert (text.carrier_id, text.sender, text.recipient, text.text, text.cc) == (
        message.carrier_id,
        "+14155550100",
        "+14155550199",
        "hi ☀",
        ("+14155550123",),
    )
    assert [m.url for m in text.media] == ["https://messaging.bandwidth.com/api/v2/users/1/media/m1.png"]
    assert carrier.receipts(request) == [] and carrier.replay_key(request) is None
    assert not carrier.authentic(dataclasses.replace(request, headers={}), CREDENTIALS)
