"""What every carrier simulator shares: a loopback aiohttp server, a record of what it was sent,
faults on demand, and status callbacks delivered to the URL the sender gave, with drops,
duplicates and reordering on demand.

A simulator of one carrier subclasses ``CarrierSimulator``: ``routes()`` adds that carrier's API,
each handler starts with ``await self.fault()`` (which may answer for it, or hang), records the
message with ``self.record(...)`` and, if the carrier reports status, ``self.report(...)``
schedules the callbacks the carrier would send, signed by the subclass's ``post_callback``.

Inbound texts go the other way: ``deliver_inbound`` sends a message to a profile's webhook the way
the carrier would (``inbound_requests`` builds the carrier's signed calls: one, or one per part of
a long text), retrying as carriers do while the gateway answers 5xx or does not answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import random
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web


@dataclass
class Fault:
    """The answer the next request gets instead of the carrier's: ``status`` with ``body``
    (and ``Retry-After`` when given), or, with ``hang``, no answer at all."""

    status: int = 503
    body: str = '{"error": "simulated outage"}'
    retry_after: float | None = None
    hang: bool = False
    content_type: str = "application/json"


@dataclass
class Faults:
    """Faults on demand: the next requests' answers, a delay before every answer, and what
    happens to status callbacks."""

    next: list[Fault] = field(default_factory=list)
    down: Fault | None = None  # every request gets this until cleared
    delay_seconds: float = 0.0
    drop_callbacks: float = 0.0  # share of callbacks never sent
    duplicate_callbacks: float = 0.0  # share of callbacks sent twice
    reorder_callbacks: bool = False  # a message's callbacks sent in reverse order

    def clear(self) -> None:
        self.next.clear()
        self.down = None
        self.delay_seconds = 0.0
        self.drop_callbacks = self.duplicate_callbacks = 0.0
        self.reorder_callbacks = False


@dataclass
class SentMessage:
    """A message the simulator accepted, as it understood the request."""

    carrier_id: str
    sender: str
    recipients: tuple[str, ...]
    text: str
    media: tuple[str, ...]
    callback_url: str | None
    part_ids: tuple[str, ...] = ()  # per-part ids, for carriers that give one per part
    request: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InboundFile:
    url: str
    content_type: str = "image/jpeg"
    size: int = 1024


@dataclass(frozen=True)
class InboundMessage:
    """A text a handset sends to one of our numbers, before the carrier writes it its way."""

    sender: str  # E.164
    recipient: str  # E.164, our number
    text: str
    media: tuple[InboundFile, ...] = ()
    cc: tuple[str, ...] = ()  # the group text's other recipients
    carrier_id: str = ""  # the carrier's id; the simulator picks one when empty


@dataclass(frozen=True)
class WebhookRequest:
    """One call a carrier makes to a webhook, signed and ready to send."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class WebhookCall:
    """A webhook call the simulator made and the answers it got (one per attempt)."""

    request: WebhookRequest
    answers: list[int] = field(default_factory=list)  # HTTP statuses; 0 for no answer

    @property
    def taken(self) -> bool:
        return bool(self.answers) and 200 <= self.answers[-1] < 300


Outcome = Callable[[SentMessage], str]  # "delivered", "undelivered" or "failed"


def delivered(_: SentMessage) -> str:
    return "delivered"


class CarrierSimulator(ABC):
    kind: str

    def __init__(self, *, callback_delay_seconds: float = 0.02, outcome: Outcome = delivered) -> None:
        self.faults = Faults()
        self.sent: list[SentMessage] = []
        self.callbacks_sent: list[tuple[str, Any]] = []  # (url, what was posted) in sending order
        self.webhooks_sent: list[WebhookCall] = []  # inbound calls, in sending order
        self.requests = 0
        self.callback_delay_seconds = callback_delay_seconds
        self.outcome = outcome
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.url = ""
        self.app = web.Application(client_max_size=8 * 1024 * 1024)
        self.app.router.add_get("/_sim/messages", self._list_messages)
        self.app.router.add_post("/_sim/faults", self._set_faults)
        self.app.router.add_post("/_sim/inbound", self._inbound)
        self.routes(self.app)

    # --- what a carrier's simulator provides ---------------------------------------------------
    @abstractmethod
    def routes(self, app: web.Application) -> None:
        """Add the carrier's API routes."""

    @abstractmethod
    async def post_callback(
        self, http: aiohttp.ClientSession, message: SentMessage, status: str, part: int
    ) -> Any:
        """Send one status callback for ``message`` (``part``: 0-based part for per-part
        receipts) the carrier's way, signed its way; what was posted (for tests)."""

    def inbound_requests(self, message: InboundMessage, webhook_url: str) -> list[WebhookRequest]:
        """The calls the carrier makes to ``webhook_url`` to deliver ``message`` (one per part where
        it splits long texts), signed its way, with ``message.carrier_id`` as its message id.
        Each carrier's simulator writes its own (#12); until it does, it cannot deliver inbound."""
        raise NotImplementedError(f"the {self.kind} simulator does not deliver inbound texts yet (#12)")

    def callback_statuses(self, message: SentMessage, outcome: str) -> list[tuple[str, int]]:
        """The (status, part) callbacks the carrier sends for a message with that outcome, in the
        order it sends them; by default one intermediate "sent" then the outcome."""
        return [("sent", 0), (outcome, 0)]

    # --- helpers for the subclasses -----------------------------------------------------------
    def new_id(self, prefix: str = "") -> str:
        return f"{prefix}{next(self._ids):08d}{random.getrandbits(48):012x}"

    async def fault(self) -> web.StreamResponse | None:
        """Apply the faults in force: an answer to return instead of the carrier's, or None.
        A hanging fault never answers (the caller's timeout ends it)."""
        self.requests += 1
        if self.faults.delay_seconds:
            await asyncio.sleep(self.faults.delay_seconds)
        chosen = self.faults.down or (self.faults.next.pop(0) if self.faults.next else None)
        if chosen is None:
            return None
        if chosen.hang:
            await asyncio.sleep(3600)
        headers = {"Retry-After": f"{chosen.retry_after:g}"} if chosen.retry_after is not None else {}
        return web.Response(
            status=chosen.status, text=chosen.body, content_type=chosen.content_type, headers=headers
        )

    def record(self, message: SentMessage) -> SentMessage:
        self.sent.append(message)
        return message

    def report(self, message: SentMessage) -> None:
        """Schedule the status callbacks the carrier would send for ``message``."""
        if not message.callback_url:
            return
        calls = self.callback_statuses(message, self.outcome(message))
        if self.faults.reorder_callbacks:
            calls.reverse()
        task = asyncio.create_task(self._deliver(message, calls))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, message: SentMessage, calls: list[tuple[str, int]]) -> None:
        await asyncio.sleep(self.callback_delay_seconds)
        for status, part in calls:
            if random.random() < self.faults.drop_callbacks:
                continue
            times = 2 if random.random() < self.faults.duplicate_callbacks else 1
            for _ in range(times):
                with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                    posted = await self.post_callback(self.client, message, status, part)
                    self.callbacks_sent.append((message.callback_url or "", posted))

    async def deliver_inbound(
        self, message: InboundMessage, webhook_url: str, *, retry_for_seconds: float = 60.0
    ) -> list[WebhookCall]:
        """Deliver ``message`` to the webhook as the carrier would: each call retried (backing off
        from 0.2 s to 2 s) while the answer is a 5xx or none, for up to ``retry_for_seconds``."""
        if not message.carrier_id:
            message = dataclasses.replace(message, carrier_id=self.new_id("IN"))
        calls = [WebhookCall(r) for r in self.inbound_requests(message, webhook_url)]
        for call in calls:
            self.webhooks_sent.append(call)
            await self.send_webhook(call, retry_for_seconds)
        return calls

    async def send_webhook(self, call: WebhookCall, retry_for_seconds: float = 60.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + retry_for_seconds
        backoff = 0.2
        request = call.request
        while True:
            try:
                async with self.client.request(
                    request.method, request.url, headers=request.headers, data=request.body or None
                ) as answer:
                    await answer.read()
                    call.answers.append(answer.status)
            except (TimeoutError, aiohttp.ClientError):
                call.answers.append(0)
            if 0 < call.answers[-1] < 500 or loop.time() + backoff > deadline:
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 2.0)

    @property
    def client(self) -> aiohttp.ClientSession:
        if self._client is None:
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._client

    # --- lifetime -------------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        # A hanging fault ends when the caller gives up (its handler is cancelled), and stopping waits
        # half a second for handlers, not aiohttp's default minute.
        self._runner = web.AppRunner(
            self.app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://{host}:{bound}"
        return self.url

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> CarrierSimulator:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    # --- control over HTTP, for a simulator in another process (bench, ./dev run) -------------
    async def _list_messages(self, _: web.Request) -> web.Response:
        return web.json_response(
            [
                {
                    "carrier_id": m.carrier_id,
                    "sender": m.sender,
                    "recipients": list(m.recipients),
                    "text": m.text,
                    "media": list(m.media),
                }
                for m in self.sent
            ]
        )

    async def _inbound(self, request: web.Request) -> web.Response:
        """``{"webhook_url", "from", "to", "text", "media": [{url, content_type, size}], "cc",
        "carrier_id"}``: deliver it, answer with the statuses the webhook gave each call."""
        body = json.loads(await request.read())
        message = InboundMessage(
            sender=body["from"],
            recipient=body["to"],
            text=body.get("text", ""),
            media=tuple(InboundFile(**m) for m in body.get("media", [])),
            cc=tuple(body.get("cc", [])),
            carrier_id=body.get("carrier_id", ""),
        )
        calls = await self.deliver_inbound(
            message, body["webhook_url"], retry_for_seconds=body.get("retry_for_seconds", 60.0)
        )
        return web.json_response({"answers": [c.answers for c in calls]})

    async def _set_faults(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read() or b"{}")
        self.faults.clear()
        self.faults.next = [Fault(**f) for f in body.pop("next", [])]
        if down := body.pop("down", None):
            self.faults.down = Fault(**down)
        for name, value in body.items():
            setattr(self.faults, name, value)
        return web.json_response({"ok": True})
