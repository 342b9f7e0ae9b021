"""What the carrier wire tests share: one client session, and a tiny server standing for the
gateway's webhook that keeps every callback a simulator sends as the port's ``CallbackRequest``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from textbus.carrier_gateway.service.carriers import CallbackRequest


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
