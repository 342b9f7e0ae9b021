"""The Vonage adapter against the Vonage simulator over loopback HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest
from pydantic import SecretStr

from tests.integration.carrier_gateway.receiver import closed_port_url, impatient, receiving
from tests.integration.carrier_gateway.wire import CallbackSink
from tests.unit.carrier_gateway.carriers.canned import a_submission
from textbus.carrier_gateway.adapters.carriers.vonage import VonageCarrier, VonageCredentials
from textbus.carrier_gateway.service.carriers import (
    Accepted,
    CallbackRequest,
    CarrierBusy,
    CarrierRefused,
    SubmitUnknown,
)
from textbus.devinfra.carriers.simulator import Fault, InboundMessage
from textbus.devinfra.carriers.vonage import DlrMethod, VonageSimulator
from textbus.kit.outbound import RetryLater

pytestmark = pytest.mark.integration

vonage = VonageCarrier()
CREDENTIALS = VonageCredentials(api_key="key-1", api_secret=SecretStr("api-secret-1"))
SIGNED = VonageCredentials(
    api_key="key-1",
    api_secret=SecretStr("api-secret-1"),
    signature_secret=SecretStr("sig-secret-1"),
    signature_method="sha256",
)
SUBMISSION = replace(a_submission("+14155550100", "+14155550123"), status_callback_url="")
LONG = replace(SUBMISSION, text="x" * 200, segments=2)  # 153 septets per concatenated part


@pytest.fixture(scope="module")
async def simulator() -> AsyncIterator[VonageSimulator]:
    sim = VonageSimulator("key-1", "api-secret-1", callback_delay_seconds=0)
    async with sim:
        yield sim


@pytest.fixture(scope="module")
async def signing_simulator() -> AsyncIterator[VonageSimulator]:
    sim = VonageSimulator(
        "key-1",
        "api-secret-1",
        "sig-secret-1",
        signature_method="sha256",
        dlr_method="GET",
        callback_delay_seconds=0,
    )
    async with sim:
        yield sim


@pytest.fixture
async def http(
    simulator: VonageSimulator, signing_simulator: VonageSimulator
) -> AsyncIterator[aiohttp.ClientSession]:
    simulator.faults.clear()
    signing_simulator.faults.clear()
    async with aiohttp.ClientSession() as session:
        yield session


async def test_a_text_is_accepted_with_vonages_id(
    simulator: VonageSimulator, http: aiohttp.ClientSession
) -> None:
    accepted = await vonage.submit(http, simulator.url, CREDENTIALS, SUBMISSION)
    (sent,) = [m for m in simulator.sent if m.carrier_id == accepted.carrier_ids[0]]
    assert accepted.carrier_ids == sent.part_ids
    assert (sent.sender, sent.recipients, sent.request["client-ref"]) == (
        "14155550100",
        ("14155550123",),
        "msg-1",
    )


async def test_a_long_text_gets_one_id_per_part(
    simulator: VonageSimulator, http: aiohttp.ClientSession
) -> None:
    accepted = await vonage.submit(http, simulator.url, CREDENTIALS, LONG)
    assert len(accepted.carrier_ids) == 2
    assert accepted.segments == 2


async def test_a_part_throttled_after_one_taken_is_still_accepted(
    simulator: VonageSimulator, http: aiohttp.ClientSession
) -> None:
    simulator.throttle_next = {1}
    accepted = await vonage.submit(http, simulator.url, CREDENTIALS, LONG)
    assert len(accepted.carrier_ids) == 1
    assert accepted.segments == 2


async def test_a_throttled_text_is_busy(simulator: VonageSimulator, http: aiohttp.ClientSession) -> None:
    simulator.throttle_next = {0}
    with pytest.raises(CarrierBusy):
        await vonage.submit(http, simulator.url, CREDENTIALS, SUBMISSION)


async def test_an_invalid_number_is_refused_with_vonages_code(
    simulator: VonageSimulator, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(CarrierRefused) as refused:
        await vonage.submit(
            http, simulator.url, CREDENTIALS, replace(SUBMISSION, recipients=("+1415CALLME",))
        )
    assert refused.value.code == "3"


async def test_bad_credentials_are_refused_and_never_shown(
    simulator: VonageSimulator, http: aiohttp.ClientSession
) -> None:
    wrong = VonageCredentials(api_key="key-1", api_secret=SecretStr("not-the-secret"))
    with pytest.raises(CarrierRefused) as refused:
        await vonage.submit(http, simulator.url, wrong, SUBMISSION)
    assert refused.value.code == "4"
    assert "not-the-secret" not in f"{refused.value} {refused.value!r}"


async def test_an_outage_is_retried_later(simulator: VonageSimulator, http: aiohttp.ClientSession) -> None:
    simulator.faults.next.append(Fault(status=503, retry_after=7))
    with pytest.raises(RetryLater) as retry:
        await vonage.submit(http, simulator.url, CREDENTIALS, SUBMISSION)
    assert retry.value.retry_after == 7


async def test_a_hanging_answer_leaves_the_submit_unknown(simulator: VonageSimulator) -> None:
    simulator.faults.next.append(Fault(hang=True))
    async with impatient() as http:
        with pytest.raises(SubmitUnknown):
            await vonage.submit(http, simulator.url, CREDENTIALS, SUBMISSION)


async def test_an_unreachable_vonage_is_retried_later(http: aiohttp.ClientSession) -> None:
    with pytest.raises(RetryLater) as retry:
        await vonage.submit(http, closed_port_url(), CREDENTIALS, SUBMISSION)
    assert "api-secret-1" not in f"{retry.value} {retry.value!r}"


async def long_text_and_its_callbacks(
    http: aiohttp.ClientSession, simulator: VonageSimulator, credentials: VonageCredentials
) -> tuple[Accepted, list[CallbackRequest]]:
    async with receiving() as receiver:
        accepted = await vonage.submit(
            http, simulator.url, credentials, replace(LONG, status_callback_url=receiver.url)
        )
        return accepted, await receiver.wait_for(4)  # accepted then delivered, for each of two parts


async def test_each_part_reports_its_receipt_unsigned(
    simulator: VonageSimulator, http: aiohttp.ClientSession
) -> None:
    accepted, calls = await long_text_and_its_callbacks(http, simulator, CREDENTIALS)
    assert all(vonage.authentic(call, CREDENTIALS) for call in calls)
    receipts = [r for call in calls for r in vonage.receipts(call)]
    assert sorted((r.carrier_id, r.status) for r in receipts) == sorted(
        (part, status) for part in accepted.carrier_ids for status in ("sent", "delivered")
    )
    assert {r.recipient for r in receipts} == {"+14155550123"}


async def test_signed_receipts_are_authentic_and_a_forged_one_is_not(
    signing_simulator: VonageSimulator, http: aiohttp.ClientSession
) -> None:
    accepted, calls = await long_text_and_its_callbacks(http, signing_simulator, SIGNED)
    assert all(call.method == "GET" and vonage.authentic(call, SIGNED) for call in calls)
    delivered = {r.carrier_id for call in calls for r in vonage.receipts(call) if r.status == "delivered"}
    assert delivered == set(accepted.carrier_ids)
    forged = replace(
        calls[-1], query=tuple((k, "failed" if k == "status" else v) for k, v in calls[-1].query)
    )
    assert not vonage.authentic(forged, SIGNED)
    wrong_secret = SIGNED.model_copy(update={"signature_secret": SecretStr("guess")})
    assert not vonage.authentic(calls[-1], wrong_secret)


async def test_good_credentials_pass_the_check(
    simulator: VonageSimulator, http: aiohttp.ClientSession
) -> None:
    await vonage.check_credentials(http, simulator.url, CREDENTIALS)


async def test_bad_credentials_fail_the_check(
    simulator: VonageSimulator, http: aiohttp.ClientSession
) -> None:
    wrong = VonageCredentials(api_key="key-1", api_secret=SecretStr("not-the-secret"))
    with pytest.raises(CarrierRefused) as refused:
        await vonage.check_credentials(http, simulator.url, wrong)
    assert refused.value.code == "Unauthorized"


@pytest.mark.parametrize("method", ["POST", "POST-JSON"])
async def test_a_long_incoming_text_arrives_in_signed_parts_in_any_order(
    method: DlrMethod, sink: CallbackSink
) -> None:
    sim = VonageSimulator(
        "key-1", "api-secret-1", "sig-secret-1", signature_method="sha256", dlr_method=method
    )
    sim.inbound_parts_reversed = True
    text = "".join(f"word{i} " for i in range(60))  # 400-odd characters: three parts
    message = InboundMessage("+447700900001", "+447700900000", text, carrier_id=f"IN{uuid.uuid4().hex[:12]}")
    async with sim:
        calls = await sim.deliver_inbound(message, f"{sink.url}/vonage/inbound")
    assert len(calls) == 3 and all(call.taken for call in calls)
    requests = sink.about(message.carrier_id)
    assert all(vonage.authentic(request, SIGNED) for request in requests)
    assert not any(
        vonage.authentic(request, CREDENTIALS.model_copy(update={"signature_secret": SecretStr("x")}))
        for request in requests
    )
    parts = [t for request in requests for t in vonage.inbound(request)]
    assert [t.part.part for t in parts if t.part] == [3, 2, 1]
    assert {(t.part.reference, t.part.total) for t in parts if t.part} == {(parts[0].part.reference, 3)}  # type: ignore[union-attr]
    assert "".join(t.text for t in sorted(parts, key=lambda t: t.part.part)) == text  # type: ignore[union-attr]
    assert {(t.sender, t.recipient) for t in parts} == {("+447700900001", "+447700900000")}
    assert len({vonage.replay_key(request) for request in requests}) == 3
    assert all(vonage.receipts(request) == [] for request in requests)
