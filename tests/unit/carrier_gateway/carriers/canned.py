"""What the carrier adapters' tests share: a loopback server answering one canned carrier answer
(recording what it was asked), a submission, callback requests built as the gateway's entrypoint
builds them, and what a log would print of an error (it must never hold a credential)."""

from __future__ import annotations

import json
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from textbus.carrier_gateway.service.carriers import CallbackRequest, Submission

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(kind: str, name: str) -> Any:
    return json.loads((FIXTURES / kind / name).read_text())


@dataclass
class Asked:
    """The requests the canned server was sent: method, path, query, headers and body."""

    requests: list[dict[str, Any]] = field(default_factory=list)


@asynccontextmanager
async def canned(body: Any, status: int = 200) -> AsyncIterator[tuple[str, aiohttp.ClientSession, Asked]]:
    """A server answering ``body`` (JSON) with ``status`` to every request, and a client session."""
    asked = Asked()

    async def answer(request: web.Request) -> web.Response:
        asked.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "headers": dict(request.headers),
                "form": dict(await request.post()) if request.method == "POST" else {},
                "body": await request.read(),
            }
        )
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    async with TestServer(app) as server, aiohttp.ClientSession() as http:
        yield str(server.make_url("")).rstrip("/"), http, asked


def callback(
    *,
    method: str = "POST",
    url: str = "https://gateway.example/callbacks/p1",
    query: dict[str, str] | None = None,
    json_body: Any = None,
    body: bytes = b"",
    content_type: str = "application/json",
    received_at: datetime | None = None,
) -> CallbackRequest:
    return CallbackRequest(
        method=method,
        url=url,
        headers={"content-type": content_type},
        query=tuple((query or {}).items()),
        body=json.dumps(json_body).encode() if json_body is not None else body,
        received_at=received_at or datetime.now(UTC),
    )


def a_submission(sender: str, recipient: str, text: str = "Hello from textbus") -> Submission:
    return Submission(
        message_id="msg-1",
        part=1,
        sender=sender,
        recipients=(recipient,),
        text=text,
        media=(),
        encoding="GSM-7",
        segments=1,
        status_callback_url="https://gateway.example/callbacks/p1",
        validity_seconds=3600,
    )


def shown(error: BaseException) -> str:
    """Everything a log of the error would print."""
    return "".join(traceback.format_exception(error)) + repr(error)
