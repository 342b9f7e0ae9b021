"""The rules every carrier adapter keeps against its simulator over loopback HTTP. A carrier's
wire test subclasses ``TransportRules`` (as ``TestTransport``) and provides a module-scoped
``wire`` fixture; ``CallbackSink`` stands for the gateway's webhook."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from tests.support import eventually
from textbus.carrier_gateway.service.carriers import (
    CallbackRequest,
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
ELEVEN_MEDIA = tuple(Media(f"https://example.com/{i}.jpg", "image/jpeg", 10) for i in range(11))


class CallbackSink:
    def __init__(self) -> None:
        self.received: list[CallbackRequest] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _receive(self, request: web.Request) -> web.Response:
        self.received.append(
            CallbackRequest(
                method=request.method,
                url=str(request.url),
                headers={name.lower(): value for name, value in request.headers.items()},
                query=list(request.query.items()),
                body=await request.read(),
                received_at=datetime.now(UTC),
            )
        )
        return web.Response(text="ok")

    def about(self, carrier_id: str) -> list[CallbackRequest]:
        """The callbacks whose body names ``carrier_id``."""
        return [callback for callback in self.received if carrier_id.encode() in callback.body]

    async def callbacks(self, carrier_id: str, count: int) -> list[CallbackRequest]:
        """The callbacks about ``carrier_id`` once ``count`` of them have come."""

        async def arrived() -> list[CallbackRequest] | None:
            received = self.about(carrier_id)
            return received if len(received) >= count else None

        return await eventually(arrived, timeout=5)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass
class Wire:
    carrier: CarrierAdapter
    simulator: CarrierSimulator
    credentials: Credentials
    wrong_credentials: Credentials
    callback_url: str
    opted_out: set[str]  # the simulator's: recipients who texted STOP
    opted_out_code: str | None  # the carrier's refusal of a send to one of them; None: it sends

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

    async def test_an_opted_out_recipient_is_refused_with_the_carriers_code_if_it_has_one(
        self, wire: Wire, http: aiohttp.ClientSession
    ) -> None:
        wire.opted_out.add("+15559990000")
        if wire.opted_out_code is None:
            # This carrier sends to long-code recipients who opted out: only our ledger refuses them.
            submission = wire.submission("+15559990000")
            accepted = await wire.carrier.submit(http, wire.simulator.url, wire.credentials, submission)
            assert accepted.carrier_ids
            return
        with pytest.raises(CarrierRefused) as refused:
            await wire.submit(http, wire.submission("+15559990000"))
        assert refused.value.code == wire.opted_out_code

    async def test_status_callbacks_are_authentic_and_report_sent_then_delivered(
        self, wire: Wire, sink: CallbackSink, http: aiohttp.ClientSession
    ) -> None:
        accepted = await wire.carrier.submit(http, wire.simulator.url, wire.credentials, wire.submission())
        received = await sink.callbacks(accepted.carrier_ids[0], 2)
        assert all(wire.carrier.authentic(callback, wire.credentials) for callback in received)
        receipts = [receipt for callback in received for receipt in wire.carrier.receipts(callback)]
        assert [(r.carrier_id, r.status, r.recipient) for r in receipts] == [
            (accepted.carrier_ids[0], "sent", "+15552223333"),
            (accepted.carrier_ids[0], "delivered", "+15552223333"),
        ]
