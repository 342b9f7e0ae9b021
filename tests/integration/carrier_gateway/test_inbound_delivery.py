"""The simulators' inbound delivery, as carriers do it: a webhook answered 5xx, or not at all, is
called again with back-off until it answers below 500 or the carrier gives up."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from textbus.devinfra.carriers.simulator import (
    CarrierSimulator,
    InboundMessage,
    SentMessage,
    WebhookRequest,
)


class JsonCarrier(CarrierSimulator):
    """The smallest carrier: inbound texts as one JSON POST."""

    kind = "json"

    def routes(self, app: web.Application) -> None:
        return None

    async def post_callback(self, http: object, message: SentMessage, status: str, part: int) -> None:
        return None

    def inbound_requests(self, message: InboundMessage, webhook_url: str) -> list[WebhookRequest]:
        body = {"id": message.carrier_id, "from": message.sender, "to": message.recipient}
        return [
            WebhookRequest(
                "POST", webhook_url, {"content-type": "application/json"}, json.dumps(body).encode()
            )
        ]


@pytest.fixture
async def webhook() -> AsyncIterator[tuple[str, list[int], list[dict[str, str]]]]:
    answers: list[int] = []  # what the webhook answers next, then 200
    taken: list[dict[str, str]] = []

    async def take(request: web.Request) -> web.Response:
        taken.append(json.loads(await request.read()))
        return web.Response(status=answers.pop(0) if answers else 200)

    app = web.Application()
    app.router.add_post("/hook", take)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/hook")), answers, taken
    await server.close()


async def test_a_text_is_delivered_again_until_the_webhook_takes_it(
    webhook: tuple[str, list[int], list[dict[str, str]]],
) -> None:
    url, answers, taken = webhook
    answers += [503, 500]
    async with JsonCarrier() as carrier:
        [call] = await carrier.deliver_inbound(InboundMessage("+14155550100", "+14155550199", "hi"), url)
    assert call.answers == [503, 500, 200] and call.taken
    assert len(taken) == 3 and len({t["id"] for t in taken}) == 1 and taken[0]["id"].startswith("IN")


async def test_a_refusal_below_500_is_not_retried(
    webhook: tuple[str, list[int], list[dict[str, str]]],
) -> None:
    url, answers, taken = webhook
    answers.append(401)
    async with JsonCarrier() as carrier:
        [call] = await carrier.deliver_inbound(InboundMessage("+14155550100", "+14155550199", "hi"), url)
    assert call.answers == [401] and not call.taken and len(taken) == 1


async def test_the_carrier_gives_up_after_its_retry_window() -> None:
    async with JsonCarrier() as carrier:
        [call] = await carrier.deliver_inbound(
            InboundMessage("+14155550100", "+14155550199", "hi"),
            "http://127.0.0.1:9/hook",
            retry_for_seconds=0.5,
        )
    assert call.answers and set(call.answers) == {0} and not call.taken
    assert carrier.webhooks_sent == [call]


async def test_a_carrier_without_inbound_support_says_so() -> None:
    class Outbound(JsonCarrier):
        inbound_requests = CarrierSimulator.inbound_requests

    async with Outbound() as carrier:
        with pytest.raises(NotImplementedError, match="json simulator"):
            await carrier.deliver_inbound(InboundMessage("+14155550100", "+14155550199", "hi"), "http://x")
