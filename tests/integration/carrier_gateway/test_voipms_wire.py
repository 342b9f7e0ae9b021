"""The voip.ms adapter against the voip.ms simulator over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest
from pydantic import SecretStr

from tests.integration.carrier_gateway.receiver import closed_port_url, impatient
from tests.unit.carrier_gateway.carriers.canned import a_submission, shown
from textbus.carrier_gateway.adapters.carriers.voipms import VoipMsCarrier, VoipMsCredentials
from textbus.carrier_gateway.service.carriers import (
    CarrierBusy,
    CarrierRefused,
    Media,
    Submission,
    SubmitUnknown,
)
from textbus.devinfra.carriers.simulator import Fault
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
