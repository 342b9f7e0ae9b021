"""The transport rules every carrier adapter keeps against its simulator over loopback HTTP. A
carrier's wire test subclasses ``TransportRules`` (as ``TestTransport``) and provides a
module-scoped ``wire`` fixture."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import aiohttp
import pytest

from textbus.carrier_gateway.service.carriers import (
    CarrierAdapter,
    CarrierBusy,
    CarrierRefused,
    Credentials,
    Media,
    Submission,
    SubmitUnknown,
)
from textbus.devinfra.carriers.simulator import CarrierSimulator, Fault
from textbus.devinfra.processes import free_port
from textbus.kit.outbound import RetryLater

SENDER = "+15550001111"


@dataclass
class Wire:
    carrier: CarrierAdapter
    simulator: CarrierSimulator
    credentials: Credentials
    wrong_credentials: Credentials
    callback_url: str

    def submission(
        self, *recipients: str, text: str = "Hello from textbus", media: tuple[Media, ...] = ()
    ) -> Submission:
        return Submission(
            message_id=str(uuid.uuid4()),
            part=1,
            sender=SENDER,
            recipients=recipients or ("+15552223333",),
            text=text,
            media=media,
            encoding="GSM-7",
            segments=1,
            status_callback_url=self.callback_url,
            validity_seconds=3600,
        )

    async def submit(self, http: aiohttp.ClientSession, submission: Submission | None = None) -> None:
        await self.carrier.submit(http, self.simulator.url, self.credentials, submission or self.submission())


class TransportRules:
    async def test_wrong_credentials_are_refused_as_credentials(
        self, wire: Wire, http: aiohttp.ClientSession
    ) -> None:
        with pytest.raises(CarrierRefused) as refused:
            await wire.carrier.submit(http, wire.simulator.url, wire.wrong_credentials, wire.submission())
        assert refused.value.code == "credentials-refused"

    async def test_good_credentials_pass_the_check(self, wire: Wire, http: aiohttp.ClientSession) -> None:
        await wire.carrier.check_credentials(http, wire.simulator.url, wire.credentials)

    async def test_wrong_credentials_fail_the_check(self, wire: Wire, http: aiohttp.ClientSession) -> None:
        with pytest.raises(CarrierRefused) as refused:
            await wire.carrier.check_credentials(http, wire.simulator.url, wire.wrong_credentials)
        assert refused.value.code == "credentials-refused"

    async def test_a_503_is_retried_later(self, wire: Wire, http: aiohttp.ClientSession) -> None:
        wire.simulator.faults.next = [Fault(status=503)]
        with pytest.raises(RetryLater) as later:
            await wire.submit(http)
        assert not isinstance(later.value, CarrierBusy)

    async def test_a_429_slows_down_for_the_retry_after_given(
        self, wire: Wire, http: aiohttp.ClientSession
    ) -> None:
        wire.simulator.faults.next = [Fault(status=429, retry_after=7)]
        with pytest.raises(CarrierBusy) as busy:
            await wire.submit(http)
        assert busy.value.retry_after == 7

    async def test_no_answer_in_time_leaves_the_submit_unknown(self, wire: Wire) -> None:
        wire.simulator.faults.next = [Fault(hang=True)]
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.3)) as impatient:
            with pytest.raises(SubmitUnknown):
                await wire.submit(impatient)

    async def test_a_carrier_that_cannot_be_reached_is_retried_later(
        self, wire: Wire, http: aiohttp.ClientSession
    ) -> None:
        closed = f"http://127.0.0.1:{free_port()}"
        with pytest.raises(RetryLater):
            await wire.carrier.submit(http, closed, wire.credentials, wire.submission())
