"""Two gateway processes in one consumer group share the sending numbers: each number's requests,
queue and receipts are one process's (the range assignor gives one member partition i of both
topics), and every message is submitted once and delivered, whichever process took its callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from pymongo import AsyncMongoClient

from tests.e2e.carrier_gateway.conftest import Gateway
from tests.e2e.conftest import Launcher
from tests.support import eventually
from textbus.kit.settings import ServiceSettings

pytestmark = pytest.mark.e2e
NUMBERS = [f"+1415555{n:04d}" for n in range(200, 216)]
PER_NUMBER = 5


async def test_two_replicas_deliver_every_message_once(
    launch: Launcher,
    settings_for: Callable[[str], ServiceSettings],
    mongo: AsyncMongoClient[dict[str, Any]],
    service_env: dict[str, str],
) -> None:
    settings = settings_for("carrier-gateway")
    keys = service_env["TEXTBUS_CARRIER_GATEWAY_CREDENTIAL_KEYS"]
    async with (
        launch("carrier-gateway", TEXTBUS_CARRIER_GATEWAY_SANDBOX_DELIVERY_SECONDS="0.1") as first,
        launch("carrier-gateway", TEXTBUS_CARRIER_GATEWAY_SANDBOX_DELIVERY_SECONDS="0.1") as second,
        aiohttp.ClientSession() as http,
    ):
        gateway = Gateway(first, http, settings, mongo[settings.database_name], keys)
        await gateway.enterprise()
        profile = await gateway.profile("sandbox", number_rates={"long-code": 10.0})
        for number in NUMBERS:
            await gateway.number(number, profile["profile_id"])
        ids = [message_id for number in NUMBERS for message_id in await gateway.send_many(number, PER_NUMBER)]

        async def all_delivered() -> bool:
            return await gateway.count(state="delivered") == len(ids)

        await eventually(all_delivered, timeout=180)
        for message_id in ids:
            status, message = await gateway.call("GET", f"/v1/tenants/acme/messages/{message_id}")
            assert status == 200
            assert len(message["carrier_ids"]) == 1
            assert [h["state"] for h in message["history"]] == [
                "accepted",
                "queued",
                "submitted",
                "sent",
                "delivered",
            ]
        # The second replica answers for the same messages: one database, one state.
        _, seen = await gateway.call("GET", f"/v1/tenants/acme/messages/{ids[-1]}")
        async with http.get(
            f"{second}/v1/tenants/acme/messages/{ids[-1]}", headers=gateway.token()
        ) as answer:
            assert (await answer.json())["state"] == seen["state"] == "delivered"
