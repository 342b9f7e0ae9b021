from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import BaseTestServer, TestServer

from textbus.kit.outbound import OutboundClient, RetryLater, RetryPolicy, retry_after_seconds

pytestmark = pytest.mark.unit


class Waits:
    """Stands in for asyncio.sleep: records each wait instead of sleeping."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def failing(times: int, error: Exception) -> tuple[list[int], Callable[[], Awaitable[str]]]:
    calls: list[int] = []

    async def call() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "sent"

    return calls, call


async def test_a_transient_failure_is_tried_again_with_growing_jittered_waits() -> None:
    waits = Waits()
    calls, call = failing(3, RetryLater("503"))
    policy = RetryPolicy(attempts=5, first_wait_seconds=1, max_wait_seconds=60)
    assert await policy.run(call, waits) == "sent"
    assert len(calls) == 4
    assert len(waits.seconds) == 3
    assert all(0 <= wait <= 2**n for n, wait in enumerate(waits.seconds, start=1))


async def test_the_callees_retry_after_is_waited_at_least() -> None:
    waits = Waits()
    _, call = failing(1, RetryLater("429", retry_after=7))
    await RetryPolicy(first_wait_seconds=0.01).run(call, waits)
    assert waits.seconds == [7]


async def test_a_retry_after_longer_than_the_cap_waits_the_cap() -> None:
    waits = Waits()
    _, call = failing(1, RetryLater("429", retry_after=3600))
    await RetryPolicy(max_wait_seconds=30).run(call, waits)
    assert waits.seconds == [30]


async def test_a_permanent_failure_is_not_tried_again() -> None:
    waits = Waits()
    calls, call = failing(1, ValueError("invalid number"))
    with pytest.raises(ValueError):
        await RetryPolicy().run(call, waits)
    assert (len(calls), waits.seconds) == (1, [])


async def test_the_last_transient_failure_is_raised_once_the_attempts_are_used() -> None:
    calls, call = failing(10, RetryLater("still down"))
    with pytest.raises(RetryLater, match="still down"):
        await RetryPolicy(attempts=3).run(call, Waits())
    assert len(calls) == 3


def test_retry_after_is_read_as_seconds_or_as_an_http_date() -> None:
    now = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Tue, 01 Dec 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Tue, 01 Dec 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.fixture
async def flaky_server() -> AsyncIterator[BaseTestServer]:
    answers = iter([web.Response(status=503, headers={"Retry-After": "0"}), web.json_response({"ok": True})])

    async def carrier(_: web.Request) -> web.Response:
        return next(answers)

    app = web.Application()
    app.router.add_post("/messages", carrier)
    async with TestServer(app) as server:
        yield server


async def test_the_client_owned_by_the_service_calls_and_retries_over_real_http(
    flaky_server: BaseTestServer,
) -> None:
    client = OutboundClient()
    await client.start()
    try:

        async def send() -> object:
            async with client.session.post(str(flaky_server.make_url("/messages"))) as answer:
                if answer.status >= 500:
                    raise RetryLater(
                        f"HTTP {answer.status}", retry_after_seconds(answer.headers.get("Retry-After"))
                    )
                return await answer.json()

        assert await RetryPolicy(first_wait_seconds=0.01).run(send) == {"ok": True}
    finally:
        await client.stop()
    with pytest.raises(RuntimeError):
        _ = client.session
