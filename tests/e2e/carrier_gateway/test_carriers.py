"""Each carrier end to end: a send request on Kafka, the carrier's API (its simulator over real
HTTP), its status callbacks signed its way into the gateway's webhook, the message delivered."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.carrier_gateway.conftest import TENANT, Gateway
from tests.support import eventually
from textbus.devinfra.carriers.bandwidth import BandwidthSimulator
from textbus.devinfra.carriers.netsapiens import NetSapiensSimulator
from textbus.devinfra.carriers.simulator import CarrierSimulator
from textbus.devinfra.carriers.telnyx import TelnyxSimulator
from textbus.devinfra.carriers.twilio import TwilioSimulator
from textbus.devinfra.carriers.voipms import VoipMsSimulator
from textbus.devinfra.carriers.vonage import VonageSimulator

pytestmark = pytest.mark.e2e
NUMBER, FRIEND = "+14155550100", "+14155550199"
LONG = "A long text that a carrier splits into parts and reports on. " * 4  # 2 GSM-7 segments


@dataclass
class Carrier:
    kind: str
    simulator: CarrierSimulator
    credentials: dict[str, Any]
    final: str  # how far a carrier's reports take a message


def webhook_of(gateway: Gateway, profile_id: str) -> str:
    return f"{gateway.url}/v1/carriers/{profile_id}/webhook"


CARRIERS: dict[str, Callable[[Gateway], Carrier]] = {
    "twilio": lambda gw: Carrier(
        "twilio",
        TwilioSimulator("AC" + "1" * 32, "twilio-token-secret"),
        {"account_sid": "AC" + "1" * 32, "auth_token": "twilio-token-secret"},
        "delivered",
    ),
    "telnyx": lambda gw: telnyx(),
    "bandwidth": lambda gw: Carrier(
        "bandwidth",
        BandwidthSimulator(
            "9900001",
            "app-1",
            "bw-user",
            "bw-password-secret",
            webhook_of(gw, "profile-bandwidth"),
            "cb-user",
            "cb-password-secret",
        ),
        {
            "account_id": "9900001",
            "application_id": "app-1",
            "username": "bw-user",
            "password": "bw-password-secret",
            "callback_username": "cb-user",
            "callback_password": "cb-password-secret",
        },
        "delivered",
    ),
    "vonage": lambda gw: Carrier(
        "vonage",
        VonageSimulator("vonage-key", "vonage-secret-value", "vonage-signature-secret"),
        {
            "api_key": "vonage-key",
            "api_secret": "vonage-secret-value",
            "signature_secret": "vonage-signature-secret",
        },
        "delivered",
    ),
    "netsapiens": lambda gw: netsapiens(),
    "voipms": lambda gw: Carrier(
        "voipms",
        VoipMsSimulator("voip-user", "voip-password-secret", dids=["4155550100"]),
        {"api_username": "voip-user", "api_password": "voip-password-secret"},
        "sent",  # voip.ms reports no delivery
    ),
}


def telnyx() -> Carrier:
    simulator = TelnyxSimulator("KEY-telnyx-secret")
    return Carrier(
        "telnyx",
        simulator,
        {"api_key": "KEY-telnyx-secret", "webhook_public_key": simulator.public_key_b64},
        "delivered",
    )


def netsapiens() -> Carrier:
    simulator = NetSapiensSimulator(
        "example.net",
        "1001",
        "ns-api-key-secret",
        client_id="c",
        client_secret="cs",
        username="u",
        password="p",
        numbers=["14155550100"],
    )
    # NetSapiens's API host is the profile's (each platform has its own); filled once it listens.
    return Carrier(
        "netsapiens",
        simulator,
        {"domain": "example.net", "user": "1001", "api_key": "ns-api-key-secret"},
        "sent",
    )


@pytest.fixture(params=sorted(CARRIERS))
async def carrier(request: pytest.FixtureRequest, gateway: Gateway) -> AsyncIterator[Carrier]:
    chosen = CARRIERS[request.param](gateway)
    await chosen.simulator.start()
    if chosen.kind == "netsapiens":
        chosen.credentials["api_host"] = chosen.simulator.url
    yield chosen
    await chosen.simulator.stop()


async def test_a_text_goes_to_the_carrier_and_its_reports_bring_it_to_the_end(
    gateway: Gateway, carrier: Carrier
) -> None:
    profile = await gateway.profile(
        carrier.kind, carrier.credentials, profile_id=f"profile-{carrier.kind}", api_url=carrier.simulator.url
    )
    await gateway.number(NUMBER, profile["profile_id"])

    message_id = await gateway.send(NUMBER, [FRIEND], LONG)

    async def final() -> dict[str, Any] | None:
        status, message = await gateway.call("GET", f"/v1/tenants/{TENANT}/messages/{message_id}")
        ended = status == 200 and message["state"] in (
            carrier.final,
            "failed",
            "undelivered",
            "submit-unknown",
        )
        return message if ended else None

    message = await eventually(final, timeout=60)
    assert message["state"] == carrier.final, message
    assert message["segments"] == 2 and message["carrier_ids"]
    sent = carrier.simulator.sent
    assert sent and all(s.sender.endswith("4155550100") for s in sent)
    assert "".join(s.text for s in sent) == LONG  # voip.ms gets it a segment per request
    states = [h["state"] for h in message["history"]]
    assert states[:3] == ["accepted", "queued", "submitted"] and states[-1] == carrier.final
