"""The sandbox carrier's callbacks: its own receipts, and inbound texts as the tour sends them."""

from __future__ import annotations

import pytest

from tests.unit.carrier_gateway.carriers.canned import callback
from textbus.carrier_gateway.adapters.carriers.sandbox import SandboxCarrier
from textbus.carrier_gateway.service.carriers import InboundMedia, InboundText, Receipt

SANDBOX = SandboxCarrier()


def test_a_receipt_is_read_and_carries_no_inbound_text() -> None:
    request = callback(json_body={"id": "SB1", "status": "delivered"})
    assert SANDBOX.receipts(request) == [Receipt(carrier_id="SB1", status="delivered")]
    assert SANDBOX.inbound(request) == []


def test_an_inbound_text_is_read_with_its_media_and_group_and_carries_no_receipt() -> None:
    request = callback(
        json_body={
            "id": "IN1",
            "from": "+14155550100",
            "to": "+14155550199",
            "text": "hello",
            "media": [{"url": "https://media.example/1.jpg", "type": "image/jpeg", "size": 2048}],
            "cc": ["+14155550123"],
        }
    )
    assert SANDBOX.inbound(request) == [
        InboundText(
            carrier_id="IN1",
            sender="+14155550100",
            recipient="+14155550199",
            text="hello",
            media=(InboundMedia("https://media.example/1.jpg", "image/jpeg", 2048),),
            cc=("+14155550123",),
        )
    ]
    assert SANDBOX.receipts(request) == []
    assert SANDBOX.replay_key(request) is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"{not json", "not JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"id": "IN1", "to": "+14155550199", "text": "hi"}', "no from"),
        (b'{"id": "IN1", "from": "+1", "to": "+2", "media": "x"}', "media"),
        (b'{"id": "IN1", "from": "+1", "to": "+2", "text": 7}', "text"),
    ],
)
def test_an_unreadable_inbound_call_is_refused_with_the_reason(body: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        SANDBOX.inbound(callback(body=body))


def test_a_receipt_with_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="status is sent, delivered"):
        SANDBOX.receipts(callback(json_body={"id": "SB1", "status": "teleported"}))
