"""Carriers' callbacks: one webhook per carrier profile (its URL is shown on the profile). Public
routes: the carrier authenticates itself its own way, which the profile's adapter checks."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter

from textbus.carrier_gateway.service.callbacks import Callbacks
from textbus.carrier_gateway.service.carriers import CallbackRequest
from textbus.carrier_gateway.service.errors import CallbackRefused
from textbus.kit.clock import Clock
from textbus.kit.http import Api

TAGS = ("carrier webhooks",)
WEBHOOK = "/v1/carriers/{profile_id}/webhook"
# For carriers that sign nothing (NetSapiens, voip.ms, the sandbox): a secret in the URL.
SECRET_WEBHOOK = WEBHOOK + "/s/{secret}"
ANSWERS = {
    400: "The callback cannot be read",
    401: "Not signed by the profile's carrier, stale or replayed",
    404: "No such profile, or no message of it with that id",
}


def register_webhook_routes(
    api: Api, callbacks: Callbacks, public_url: str, clock: Clock, registry: CollectorRegistry
) -> None:
    refused = Counter(
        "textbus_carrier_callbacks_refused_total",
        "Carrier callbacks refused as not authentic",
        registry=registry,
    )
    base = public_url.rstrip("/")

    async def take(request: web.Request) -> web.Response:
        profile_id = request.match_info["profile_id"]
        callback = CallbackRequest(
            method=request.method,
            url=base + str(request.rel_url),
            headers={k.lower(): v for k, v in request.headers.items()},
            query=list(request.query.items()),
            body=await request.read(),
            received_at=clock(),
        )
        try:
            answer = await callbacks.take(profile_id, callback)
        except CallbackRefused:
            refused.inc()
            raise
        return web.Response(status=answer.status, body=answer.body, content_type=answer.content_type)

    for path, named in ((WEBHOOK, "carrier_callback"), (SECRET_WEBHOOK, "carrier_callback_with_secret")):
        for method in ("POST", "GET"):

            async def handler(request: web.Request) -> web.Response:
                return await take(request)

            handler.__name__ = f"{named}_{method.lower()}"  # one operationId each
            api.route(
                method,
                path,
                summary=f"A carrier's callback ({method}) for this profile: status reports",
                public=True,
                tags=TAGS,
                responses=ANSWERS,
                response_content_type="text/plain",
            )(handler)
