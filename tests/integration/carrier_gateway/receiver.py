"""What the adapters' wire tests share: a URL nothing listens on, a client too impatient for a hanging
answer, and a receiver that turns the simulators' callbacks into the port's ``CallbackRequest``."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from textbus.carrier_gateway.service.carriers import CallbackRequest


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@asynccontextmanager
async def impatient() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.3)) as http:
        yield http


class Receiver:
    """The gateway's callback endpoint, reduced to recording each call as a ``CallbackRequest``."""

    def __init__(self) -> None:
        self.calls: list[CallbackRequest] = []
        self.arrived = asyncio.Event()
        self.url = ""

    async def _record(self, request: web.Request) -> web.Response:
        self.calls.append(
            CallbackRequest(
                method=request.method,
                url=str(request.url),
                headers={name.lower(): value for name, value in request.headers.items()},
                query=tuple(request.query.items()),
                body=await request.read(),
                received_at=datetime.now(UTC),
            )
        )
        self.arrived.set()
        return web.Response(status=200)

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[CallbackRequest]:
        async with asyncio.timeout(timeout):
            while len(self.calls) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.calls


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver._record)
    async with TestServer(app) as server:
        receiver.url = str(server.make_url("/callbacks"))
        yield receiver
