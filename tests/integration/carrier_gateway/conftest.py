"""What the carrier wire tests share: one client session, the webhook sink, and a simulator
cleared of faults and set to deliver before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.integration.carrier_gateway.wire import CallbackSink, Wire
from textbus.devinfra.carriers.simulator import delivered


@pytest.fixture(scope="module")
async def sink() -> AsyncIterator[CallbackSink]:
    sink = CallbackSink()
    await sink.start()
    yield sink
    await sink.stop()


@pytest.fixture(scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        yield session


@pytest.fixture(autouse=True)
def fresh_simulator(request: pytest.FixtureRequest) -> None:
    # Only the modules that keep their simulator in a ``wire`` fixture.
    if "wire" not in request.fixturenames:
        return
    wire: Wire = request.getfixturevalue("wire")
    wire.simulator.faults.clear()
    wire.simulator.outcome = delivered
