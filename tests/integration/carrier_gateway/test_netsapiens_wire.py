"""The NetSapiens adapter against the ns-api v2 simulator over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest
from pydantic import SecretStr

from tests.integration.carrier_gateway.receiver import closed_port_url, impatient
from tests.unit.carrier_gateway.carriers.canned import a_submission, shown
from textbus.carrier_gateway.adapters.carriers.netsapiens import NetSapiensCarrier, NetSapiensCredentials
from textbus.carrier_gateway.service.carriers import CarrierBusy, CarrierRefused, SubmitUnknown
from textbus.devinfra.carriers.netsapiens import NetSapiensSimulator
from textbus.devinfra.carriers.simulator import Fault
from textbus.kit.outbound import RetryLater

pytestmark = pytest.mark.integration

SUBMISSION = a_submission("+18585550001", "+18585551234")
LOGIN = {"client_id": "cid", "client_secret": "csecret", "username": "1000@acme", "password": "user-pa55"}


def with_login(url: str, **changes: str) -> NetSapiensCredentials:
    login = LOGIN | changes
    return NetSapiensCredentials(
        api_host=url,
        domain="acme",
        user="1000",
        client_id=login["client_id"],
        client_secret=SecretStr(login["client_secret"]),
        username=login["username"],
        password=SecretStr(login["password"]),
        webhook_secret=SecretStr("hook-1"),
    )


def with_key(url: str, key: str = "nsk_live") -> NetSapiensCredentials:
    return NetSapiensCredentials(
        api_host=url, domain="acme", user="1000", api_key=SecretStr(key), webhook_secret=SecretStr("hook-1")
    )


@pytest.fixture(scope="module")
async def simulator() -> AsyncIterator[NetSapiensSimulator]:
    sim = NetSapiensSimulator(
        "acme",
        "1000",
        "nsk_live",
        client_id=LOGIN["client_id"],
        client_secret=LOGIN["client_secret"],
        username=LOGIN["username"],
        password=LOGIN["password"],
        numbers=["18585550001"],
    )
    async with sim:
        yield sim


@pytest.fixture
async def http(simulator: NetSapiensSimulator) -> AsyncIterator[aiohttp.ClientSession]:
    simulator.faults.clear()
    async with aiohttp.ClientSession() as session:
        yield session


async def test_a_text_is_accepted_in_its_threads_session(
    simulator: NetSapiensSimulator, http: aiohttp.ClientSession
) -> None:
    netsapiens = NetSapiensCarrier()
    first = await netsapiens.submit(http, "", with_key(simulator.url), SUBMISSION)
    again = await netsapiens.submit(http, "", with_key(simulator.url), replace(SUBMISSION, text="Again"))
    assert first.carrier_ids == again.carrier_ids
    sent = [m for m in simulator.sent if m.carrier_id == first.carrier_ids[0]]
    assert [(m.sender, m.recipients, m.text) for m in sent] == [
        ("18585550001", ("18585551234",), "Hello from textbus"),
        ("18585550001", ("18585551234",), "Again"),
    ]


async def test_the_token_is_kept_and_fetched_again_once_when_refused(
    simulator: NetSapiensSimulator, http: aiohttp.ClientSession
) -> None:
    netsapiens, credentials = NetSapiensCarrier(), with_login(simulator.url)
    issued = simulator.tokens_issued
    await netsapiens.submit(http, "", credentials, SUBMISSION)
    await netsapiens.submit(http, "", credentials, SUBMISSION)
    assert simulator.tokens_issued == issued + 1
    simulator.revoke_tokens()
    await netsapiens.submit(http, "", credentials, SUBMISSION)
    assert simulator.tokens_issued == issued + 2


async def test_a_wrong_password_is_refused_and_never_shown(
    simulator: NetSapiensSimulator, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(CarrierRefused) as refused:
        await NetSapiensCarrier().submit(
            http, "", with_login(simulator.url, password="guess-pa55"), SUBMISSION
        )
    assert refused.value.code == "401"
    assert "guess-pa55" not in shown(refused.value)


async def test_a_wrong_api_key_is_refused(
    simulator: NetSapiensSimulator, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(CarrierRefused) as refused:
        await NetSapiensCarrier().submit(http, "", with_key(simulator.url, "nsk_guess"), SUBMISSION)
    assert refused.value.code == "401"


async def test_a_sender_that_is_not_the_users_sms_number_is_refused(
    simulator: NetSapiensSimulator, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(CarrierRefused) as refused:
        await NetSapiensCarrier().submit(
            http, "", with_key(simulator.url), replace(SUBMISSION, sender="+18585550999")
        )
    assert refused.value.code == "400"


async def test_an_outage_is_retried_later(
    simulator: NetSapiensSimulator, http: aiohttp.ClientSession
) -> None:
    simulator.faults.next.append(Fault(status=503))
    with pytest.raises(RetryLater):
        await NetSapiensCarrier().submit(http, "", with_key(simulator.url), SUBMISSION)


async def test_a_429_slows_the_profile_down(
    simulator: NetSapiensSimulator, http: aiohttp.ClientSession
) -> None:
    simulator.faults.next.append(Fault(status=429, retry_after=3))
    with pytest.raises(CarrierBusy) as busy:
        await NetSapiensCarrier().submit(http, "", with_key(simulator.url), SUBMISSION)
    assert busy.value.retry_after == 3


async def test_a_hanging_answer_leaves_the_submit_unknown(simulator: NetSapiensSimulator) -> None:
    simulator.faults.next.append(Fault(hang=True))
    async with impatient() as http:
        with pytest.raises(SubmitUnknown):
            await NetSapiensCarrier().submit(http, "", with_key(simulator.url), SUBMISSION)


async def test_an_unreachable_platform_is_retried_later(http: aiohttp.ClientSession) -> None:
    with pytest.raises(RetryLater) as retry:
        await NetSapiensCarrier().submit(http, "", with_login(closed_port_url()), SUBMISSION)
    assert "user-pa55" not in shown(retry.value)


async def test_good_credentials_pass_the_check(
    simulator: NetSapiensSimulator, http: aiohttp.ClientSession
) -> None:
    await NetSapiensCarrier().check_credentials(http, "", with_login(simulator.url))
    await NetSapiensCarrier().check_credentials(http, "", with_key(simulator.url))


async def test_bad_credentials_fail_the_check(
    simulator: NetSapiensSimulator, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(CarrierRefused):
        await NetSapiensCarrier().check_credentials(http, "", with_login(simulator.url, client_secret="nope"))
