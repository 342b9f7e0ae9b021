"""Telnyx's adapter against Telnyx's own examples.

- fixtures/telnyx/message_sent_event.json: the deliveryUpdate callback example of
  https://developers.telnyx.com/api-reference/callbacks/delivery-update (from the OpenAPI spec;
  cut after ``cost``, the rest is pricing). Its payload is the OutboundMessagePayload the send
  answer carries as ``data`` too (telnyx-python src/telnyx/types/message_send_response.py).
- fixtures/telnyx/message_finalized_event.json: "Example: Delivery receipt payload" of Telnyx's
  messaging webhook guide (developers.telnyx.com, RCS receiving webhooks).
- fixtures/telnyx/webhook_test_payload.json: DUMMY_WEBHOOK_PAYLOAD of team-telnyx/telnyx-python
  tests/test_webhook.py, commit 9645f979af89e58c59e59a45d8f05ce87b597956. telnyx-python publishes
  no fixed key or signature: its tests generate an Ed25519 key and sign ``timestamp|payload``,
  as these do.
- error bodies: https://developers.telnyx.com/development/api-fundamentals/api-errors and the
  messaging error codes page (40300).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import SecretStr

from tests.unit.carrier_gateway.carriers.canned import callback
from textbus.carrier_gateway.adapters.carriers.http import Answer
from textbus.carrier_gateway.adapters.carriers.telnyx import (
    TelnyxCarrier,
    TelnyxCredentials,
    accepted,
    refused,
)
from textbus.carrier_gateway.service.carriers import CallbackRequest, Receipt, ReceiptStatus, SubmitUnknown

FIXTURES = Path(__file__).parent / "fixtures" / "telnyx"
KEY = Ed25519PrivateKey.generate()
PUBLIC_KEY = base64.b64encode(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
API_KEY = "KEY0123456789ABCDEF_secret"
CREDENTIALS = TelnyxCredentials(api_key=SecretStr(API_KEY), webhook_public_key=SecretStr(PUBLIC_KEY))
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
carrier = TelnyxCarrier()


def signed(body: bytes, at: datetime = NOW, *, received_at: datetime = NOW) -> CallbackRequest:
    timestamp = str(int(at.timestamp()))
    signature = base64.b64encode(KEY.sign(timestamp.encode() + b"|" + body)).decode()
    headers = {"telnyx-timestamp": timestamp, "telnyx-signature-ed25519": signature}
    return CallbackRequest("POST", "https://gw.example/telnyx", headers, (), body, received_at)


def event(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def with_status(status: str, errors: list[dict[str, str]] | None = None) -> bytes:
    finalized = json.loads(event("message_finalized_event.json"))
    finalized["data"]["payload"]["to"][0]["status"] = status
    finalized["data"]["payload"]["errors"] = errors or []
    return json.dumps(finalized).encode()


def test_the_send_answer_gives_the_message_id_and_its_parts() -> None:
    data = json.loads(event("message_sent_event.json"))["data"]["payload"]
    answer = accepted(Answer(200, {}, json.dumps({"data": data}).encode()))
    assert answer.carrier_ids == ("40385f64-5717-4562-b3fc-2c963f66afa6",)
    assert answer.segments == 1


def test_an_answer_without_data_is_unknown() -> None:
    with pytest.raises(SubmitUnknown):
        accepted(Answer(200, {}, b'{"errors": []}'))


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (400, '{"errors": [{"code": "40300", "title": "Blocked due to STOP message"}]}', "40300"),
        (
            422,
            '{"errors": [{"code": "10016", "title": "Phone number must be in +E.164 format",'
            ' "detail": "The specified phone number parameter must be in +E.164 format.",'
            ' "source": {"pointer": "/to"}}]}',
            "10016",
        ),
        (401, '{"errors": [{"code": "10009", "title": "Authentication failed"}]}', "credentials-refused"),
        (403, '{"errors": [{"code": "10010", "title": "Authorization failed"}]}', "credentials-refused"),
        (400, "not json", "http-400"),
    ],
)
def test_error_bodies_become_refusals_with_telnyxs_code(status: int, body: str, code: str) -> None:
    assert refused(Answer(status, {}, body.encode())).code == code


def test_telnyx_pythons_signed_test_payload_is_authentic() -> None:
    assert carrier.authentic(signed(event("webhook_test_payload.json")), CREDENTIALS)


def test_a_signature_within_five_minutes_either_way_is_accepted() -> None:
    body = event("message_sent_event.json")
    assert carrier.authentic(signed(body, NOW - timedelta(seconds=299)), CREDENTIALS)
    assert carrier.authentic(signed(body, NOW + timedelta(seconds=299)), CREDENTIALS)


def test_a_stale_signature_is_refused_even_if_genuine() -> None:
    body = event("message_sent_event.json")
    assert not carrier.authentic(signed(body, NOW - timedelta(seconds=301)), CREDENTIALS)


def test_a_tampered_body_a_moved_timestamp_or_a_forged_signature_is_refused() -> None:
    genuine = signed(event("message_sent_event.json"))
    tampered = CallbackRequest(**{**genuine.__dict__, "body": genuine.body.replace(b"queued", b"delivered")})
    moved = CallbackRequest(
        **{
            **genuine.__dict__,
            "headers": {**genuine.headers, "telnyx-timestamp": str(int(NOW.timestamp()) + 1)},
        }
    )
    forger = Ed25519PrivateKey.generate()
    forged_signature = base64.b64encode(forger.sign(b"1|" + genuine.body)).decode()
    forged = CallbackRequest(
        **{**genuine.__dict__, "headers": {**genuine.headers, "telnyx-signature-ed25519": forged_signature}}
    )
    missing = CallbackRequest(**{**genuine.__dict__, "headers": {}})
    for request in (tampered, moved, forged, missing):
        assert not carrier.authentic(request, CREDENTIALS)


def test_message_sent_with_a_queued_recipient_is_no_receipt_yet() -> None:
    assert carrier.receipts(signed(event("message_sent_event.json"))) == []


def test_message_finalized_delivered_is_a_delivery_receipt() -> None:
    assert carrier.receipts(signed(event("message_finalized_event.json"))) == [
        Receipt(
            carrier_id="ac012cbf-5e09-46af-a69a-7c0e2d90993c",
            status="delivered",
            recipient="+13125000000",
            at=datetime(2024, 12, 9, 21, 32, 14, 148000, tzinfo=UTC),
        )
    ]


@pytest.mark.parametrize(
    ("telnyx_status", "status"),
    [("delivery_failed", "undelivered"), ("sending_failed", "failed"), ("delivery_unconfirmed", "sent")],
)
def test_finalized_outcomes_map_to_receipts_with_telnyxs_error(
    telnyx_status: str, status: ReceiptStatus
) -> None:
    errors = [{"code": "40008", "title": "Undeliverable"}]
    [receipt] = carrier.receipts(signed(with_status(telnyx_status, errors)))
    assert receipt.status == status
    assert receipt.error_code == ("40008" if status != "sent" else None)


def test_a_group_message_gives_a_receipt_per_recipient() -> None:
    finalized = json.loads(event("message_finalized_event.json"))
    to = finalized["data"]["payload"]["to"]
    to.append({**to[0], "phone_number": "+13125000001", "status": "delivery_failed"})
    receipts = carrier.receipts(signed(json.dumps(finalized).encode()))
    assert [(r.recipient, r.status) for r in receipts] == [
        ("+13125000000", "delivered"),
        ("+13125000001", "undelivered"),
    ]


def test_an_inbound_message_is_not_a_receipt() -> None:
    inbound = {"data": {"event_type": "message.received", "payload": {"id": "x", "direction": "inbound"}}}
    assert carrier.receipts(signed(json.dumps(inbound).encode())) == []


def test_a_body_that_is_not_an_event_is_malformed() -> None:
    with pytest.raises(ValueError, match="event_type"):
        carrier.receipts(signed(b'{"hello": "world"}'))


def test_no_credential_shows_in_a_repr_or_a_refusal() -> None:
    assert API_KEY not in repr(CREDENTIALS) and PUBLIC_KEY not in repr(CREDENTIALS)
    assert API_KEY not in repr(carrier)
    assert API_KEY not in str(refused(Answer(401, {}, b"{}")))


def _received(payload: object) -> CallbackRequest:
    return callback(json_body={"data": {"event_type": "message.received", "payload": payload}})


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (None, "without payload"),
        ({"id": "m1", "to": [{"phone_number": "+14155550199"}]}, "without from and to"),
        ({"id": "m1", "from": {"phone_number": "+14155550100"}, "to": []}, "without from and to"),
        ({"from": {"phone_number": "+1"}, "to": [{"phone_number": "+2"}]}, "no id"),
        ({"id": "m1", "from": {"phone_number": "+1"}, "to": [{"phone_number": "+2"}], "media": "x"}, "media"),
        ({"id": "m1", "from": {"phone_number": "+1"}, "to": [{"phone_number": "+2"}], "text": 5}, "text"),
    ],
)
def test_an_unreadable_message_received_is_refused_with_the_reason(payload: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        TelnyxCarrier().inbound(_received(payload))


def test_other_events_carry_no_inbound_text() -> None:
    request = callback(json_body={"data": {"event_type": "message.finalized", "payload": {"id": "m1"}}})
    assert TelnyxCarrier().inbound(request) == []
