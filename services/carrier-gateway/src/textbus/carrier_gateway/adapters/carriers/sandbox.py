"""The sandbox carrier: a carrier kind in the product for trying textbus without a carrier account
(``./dev run``). It takes every message and, a moment later, reports it sent and delivered by
calling the profile's webhook like a real carrier would, so the message travels the same path:
callback, durable receipt, state machine. Its callbacks are authenticated by the secret in the
webhook URL; nothing leaves the machine.

An inbound text reaches a sandbox profile as a JSON POST to its webhook (what ``./dev run``'s
tour and the tests send): ``{"id", "from", "to", "text", "media": [{"url", "type", "size"}],
"cc": [...]}``."""

from __future__ import annotations

import asyncio
import uuid
from typing import ClassVar

import aiohttp
from pydantic import SecretStr

from textbus.carrier_gateway.adapters.carriers.reading import body_text, field, files, json_body
from textbus.carrier_gateway.adapters.carriers.unsigned import secret_in_path
from textbus.carrier_gateway.service.carriers import (
    Accepted,
    CallbackAnswer,
    CallbackRequest,
    Capabilities,
    Credentials,
    InboundText,
    Receipt,
    Submission,
)


class SandboxCredentials(Credentials):
    webhook_secret: SecretStr | None = None


class SandboxCarrier:
    kind: ClassVar[str] = "sandbox"
    credentials = SandboxCredentials
    capabilities = Capabilities(group_texting=True, receipts=True)
    default_api_url = "sandbox:"

    def __init__(self, delivery_seconds: float = 0.2) -> None:
        self.delivery_seconds = delivery_seconds
        self._reports: set[asyncio.Task[None]] = set()

    async def submit(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials, submission: Submission
    ) -> Accepted:
        carrier_id = f"SB{uuid.uuid4().hex}"
        task = asyncio.create_task(self._report(http, submission.status_callback_url, carrier_id))
        self._reports.add(task)
        task.add_done_callback(self._reports.discard)
        return Accepted(carrier_ids=(carrier_id,), segments=submission.segments)

    async def _report(self, http: aiohttp.ClientSession, url: str, carrier_id: str) -> None:
        for status in ("sent", "delivered"):
            await asyncio.sleep(self.delivery_seconds / 2)
            for _ in range(5):  # as carriers do, until the gateway takes it
                try:
                    async with http.post(url, json={"id": carrier_id, "status": status}) as answer:
                        if answer.status < 500:
                            break
                except aiohttp.ClientError:
                    pass
                except RuntimeError:
                    return  # the session closed: the gateway is stopping
                await asyncio.sleep(1)

    async def check_credentials(
        self, http: aiohttp.ClientSession, api_url: str, credentials: Credentials
    ) -> None:
        return None

    def authentic(self, request: CallbackRequest, credentials: Credentials) -> bool:
        assert isinstance(credentials, SandboxCredentials)
        return credentials.webhook_secret is not None and secret_in_path(request, credentials.webhook_secret)

    def receipts(self, request: CallbackRequest) -> list[Receipt]:
        body = _object(request)
        if "status" not in body:
            return []
        if body["status"] not in ("sent", "delivered", "undelivered", "failed"):
            raise ValueError("a sandbox receipt's status is sent, delivered, undelivered or failed")
        return [Receipt(carrier_id=field(body, "id"), status=body["status"])]

    def inbound(self, request: CallbackRequest) -> list[InboundText]:
        body = _object(request)
        if "status" in body:
            return []
        cc = body.get("cc") or []
        if not isinstance(cc, list) or not all(isinstance(n, str) for n in cc):
            raise ValueError("a sandbox message's cc is a list of numbers")
        return [
            InboundText(
                carrier_id=field(body, "id"),
                sender=field(body, "from"),
                recipient=field(body, "to"),
                text=body_text(body),
                media=files(body, "media", "type"),
                cc=tuple(cc),
            )
        ]

    def replay_key(self, request: CallbackRequest) -> str | None:
        return None  # a secret in the URL, no timestamp: a replay is a retry

    def answer(self) -> CallbackAnswer:
        return CallbackAnswer(200, "text/plain", b"ok")


def _object(request: CallbackRequest) -> dict[str, object]:
    body = json_body(request)
    if not isinstance(body, dict):
        raise ValueError("a sandbox callback is a JSON object")
    return body
