"""Every carrier kind the gateway speaks, by its name."""

from __future__ import annotations

from textbus.carrier_gateway.adapters.carriers.bandwidth import BandwidthCarrier
from textbus.carrier_gateway.adapters.carriers.netsapiens import NetSapiensCarrier
from textbus.carrier_gateway.adapters.carriers.sandbox import SandboxCarrier
from textbus.carrier_gateway.adapters.carriers.telnyx import TelnyxCarrier
from textbus.carrier_gateway.adapters.carriers.twilio import TwilioCarrier
from textbus.carrier_gateway.adapters.carriers.voipms import VoipMsCarrier
from textbus.carrier_gateway.adapters.carriers.vonage import VonageCarrier
from textbus.carrier_gateway.service.carriers import CarrierAdapter


def carriers(sandbox_delivery_seconds: float = 0.2) -> dict[str, CarrierAdapter]:
    adapters: list[CarrierAdapter] = [
        TwilioCarrier(),
        TelnyxCarrier(),
        BandwidthCarrier(),
        VonageCarrier(),
        NetSapiensCarrier(),
        VoipMsCarrier(),
        SandboxCarrier(sandbox_delivery_seconds),
    ]
    return {adapter.kind: adapter for adapter in adapters}
