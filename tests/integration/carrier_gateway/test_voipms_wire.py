"""The voip.ms adapter against the voip.ms simulator over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from tests.integration.carrier_gateway.receiver import closed_port_url, impatient
from tests.unit.carrier_gateway.carriers.canned import a_submission, shown
from textbus.carrier_gateway.adapters.carriers.voipms import VoipMsCarrier, VoipMsCredentials
from textbus.carrier_gateway.service.carriers import (
    CallbackRequest,
    CarrierBusy,
    CarrierRefused,
    Media,
    Submission,
    SubmitUnknown,
)
from textbus.devinfra.carriers.simulator import Fault, InboundMessage
from textbus.devinfra.carriers.voipms import VoipMsSimulator
from textbus.kit.outbound import RetryLater

pytestmark = pytest.mark.integration

voipms = VoipMsCarrier()
PASSWORD = "api-pa55-word"
CREDENTIALS = VoipMsCredentials(
    api_username="me@example.com", api_password=SecretStr(PASSWORD), webhook_secret=SecretStr("hook-1")
)
SUBMISSION = a_submission("+15145550100", "+15145550123")


@pytest.fixture(scope="module")
async def simulator() -> AsyncIterator[VoipMsSimulator]:
    sim = VoipMsSimulator("me@example.com", PASSWORD, dids=["5145550100"])
    async with sim:
        yield sim


@pytest.fixture
async def http(simulator: VoipMsSimulator) -> AsyncIterator[aiohttp.ClientSession]:
    simulator.faults.clear()
    simulator.ip_enabled, simulator.daily_limit = True, None
    async with aiohttp.ClientSession() as session:
        yield session


async def test_a_text_is_accepted_with_voipms_id(
    simulator: VoipMsSimulator, http: aiohttp.ClientSession
) -> None:
    accepted = await voipms.submit(http, simulator.url, CREDENTIALS, SUBMISSION)
    (sent,) = [m for m in simulator.sent if m.carrier_id == accepted.carrier_ids[0]]
    assert (sent.sender, sent.recipients, sent.text) == ("5145550100", ("5145550123",), "Hello from textbus")


async def test_media_is_sent_as_mms(simulator: VoipMsSimulator, http: aiohttp.ClientSession) -> None:
    media = (Media("https://media.example/cat.jpg", "image/jpeg", 2048),)
    accepted = await voipms.submit(http, simulator.url, CREDENTIALS, replace(SUBMISSION, media=media))
    (sent,) = [m for m in simulator.sent if m.carrier_id == accepted.carrier_ids[0]]
    assert sent.media == ("https://media.example/cat.jpg",)


@pytest.mark.parametrize(
    ("submission", "code"),
    [
        (replace(SUBMISSION, text="x" * 161), "invalid_sms"),
        (replace(SUBMISSION, sender="+15145550199"), "invalid_did"),  # not a DID of the account
    ],
)
async def test_voipms_validations_are_refusals_with_its_word(
    simulator: VoipMsSimulator, http: aiohttp.ClientSession, submission: Submission, code: str
) -> None:
    with pytest.raises(CarrierRefused) as refused:
        await voipms.submit(http, simulator.url, CREDENTIALS, submission)
    assert refused.value.code == code


async def test_bad_credentials_are_refused_and_never_shown(
    simulator: VoipMsSimulator, http: aiohttp.ClientSession
) -> None:
    wrong = CREDENTIALS.model_copy(update={"api_password": SecretStr("not-the-password")})
    with pytest.raises(CarrierRefused) as refused:
        await voipms.submit(http, simulator.url, wrong, SUBMISSION)
    assert refused.value.code == "invalid_credentials"
    assert "not-the-password" not in shown(refused.value)


async def test_an_ip_not_enabled_is_refused(simulator: VoipMsSimulator, http: aiohttp.ClientSession) -> None:
    simulator.ip_enabled = False
    with pytest.raises(CarrierRefused) as refused:
        await voipms.submit(http, simulator.url, CREDENTIALS, SUBMISSION)
    assert refused.value.code == "ip_not_enabled"


async def test_the_daily_limit_slows_the_profile_down(
    simulator: VoipMsSimulator, http: aiohttp.ClientSession
) -> None:
    simulator.daily_limit = len(simulator.sent)
    with pytest.raises(CarrierBusy) as busy:
        await voipms.submit(http, simulator.url, CREDENTIALS, SUBMISSION)
    assert busy.value.retry_after is not None


async def test_an_outage_is_retried_later(simulator: VoipMsSimulator, http: aiohttp.ClientSession) -> None:
    simulator.faults.next.append(Fault(status=503))
    with pytest.raises(RetryLater) as retry:
        await voipms.submit(http, simulator.url, CREDENTIALS, SUBMISSION)
    assert PASSWORD not in shown(retry.value)


async def test_a_hanging_answer_leaves_the_submit_unknown(simulator: VoipMsSimulator) -> None:
    simulator.faults.next.append(Fault(hang=True))
    async with impatient() as http:
        with pytest.raises(SubmitUnknown) as unknown:
            await voipms.submit(http, simulator.url, CREDENTIALS, SUBMISSION)
    assert PASSWORD not in shown(unknown.value)


async def test_an_unreachable_voipms_is_retried_later(http: aiohttp.ClientSession) -> None:
    with pytest.raises(RetryLater) as retry:
        await voipms.submit(http, closed_port_url(), CREDENTIALS, SUBMISSION)
    assert PASSWORD not in shown(retry.value)


async def test_good_credentials_pass_the_check(
    simulator: VoipMsSimulator, http: aiohttp.ClientSession
) -> None:
    await voipms.check_credentials(http, simulator.url, CREDENTIALS)


async def test_bad_credentials_fail_the_check(
    simulator: VoipMsSimulator, http: aiohttp.ClientSession
) -> None:
    wrong = CREDENTIALS.model_copy(update={"api_password": SecretStr("not-the-password")})
    with pytest.raises(CarrierRefused) as refused:
        await voipms.check_credentials(http, simulator.url, wrong)
    assert refused.value.code == "invalid_credentials"


async def test_an_incoming_text_from_the_simulator_is_read_from_its_get_callback() -> None:
    taken: list[CallbackRequest] = []

    async def take(request: web.Request) -> web.Response:
        taken.append(
            CallbackRequest("GET", str(request.url), {}, list(request.query.items()), b"", datetime.now(UTC))
        )
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/{path:.*}", take)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        sim = VoipMsSimulator("me@example.com", PASSWORD, dids=["5145550100"])
        message = InboundMessage("+15145550123", "+15145550100", "salut & à bientôt", carrier_id="23708")
        async with sim:
            [call] = await sim.deliver_inbound(
                message, str(server.make_url("/v1/carriers/p1/webhook/s/secret"))
            )
    finally:
        await server.close()
    assert call.taken and len(taken) == 1
    credentials = VoipMsCredentials(
        api_username="me@example.com", api_password=SecretStr(PASSWORD), webhook_secret=SecretStr("secret")
    )
    carrier = VoipMsCarrier()
    assert carrier.authentic(taken[0], credentials)
    [text] = carrier.inbound(taken[0])
    assert (text.carrier_id, text.sender, text.recipient, text.text) == (
        "23708",
        "+15145550123",
        "+15145550100",
        "salut & à bientôt",
    )


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"id": "1", "from": "123", "to": "5145550100"}, "ten"),
        ({"from": "5145550123", "to": "5145550100"}, "no id"),
    ],
)
def test_an_unreadable_voipms_callback_is_refused(query: dict[str, str], reason: str) -> None:
    request = CallbackRequest("GET", "https://g.example/w", {}, list(query.items()), b"", datetime.now(UTC))
    with pytest.raises(ValueError, match=reason):
        VoipMsCarrier().inbound(request)
