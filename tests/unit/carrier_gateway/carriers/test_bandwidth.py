"""Bandwidth's adapter against Bandwidth's own examples.

- fixtures/bandwidth/*_callback.json: components/examples of bandwidth.yml in Bandwidth/python-sdk,
  commit ba8d15700c4a9a1f947e49568e694c8107cf33db (messageSendingCallbackExample,
  messageSentCallbackExample, smsMessageDeliveredCallbackExample,
  groupMmsMessageDeliveredCallbackExample, messageFailedCallbackExample,
  smsMessageReceivedCallbackExample). The spec shows one event; Bandwidth posts an array of them.
- fixtures/bandwidth/create_message_response.json: the ``message`` schema's property examples of
  the same bandwidth.yml (the 202 createMessageResponse has no example object of its own).
- error bodies: https://dev.bandwidth.com/v2-messaging/codes.html and the fieldError example of
  bandwidth.yml.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from textbus.carrier_gateway.adapters.carriers.bandwidth import (
    BandwidthCarrier,
    BandwidthCredentials,
    accepted,
    refused,
)
from textbus.carrier_gateway.adapters.carriers.http import Answer
from textbus.carrier_gateway.service.carriers import CallbackRequest, Receipt, SubmitUnknown

FIXTURES = Path(__file__).parent / "fixtures" / "bandwidth"
CREDENTIALS = BandwidthCredentials(
    account_id="9900000",
    application_id="93de2206-9669-4e07-948d-329f4b722ee2",
    username="api-user",
    password=SecretStr("api-password-secret"),
    callback_username="bw-callbacks",
    callback_password=SecretStr("callback-password-secret"),
)
GOOD_AUTH = aiohttp.encode_basic_auth("bw-callbacks", "callback-password-secret")
carrier = BandwidthCarrier()
INVALID_FROM = "'+invalid' must be replaced with a valid E164 formatted telephone number"
FIELD_ERROR = json.dumps(
    {
        "type": "request-validation",
        "description": "Your request could not be accepted",
        "fieldErrors": [{"fieldName": "from", "description": INVALID_FROM}],
    }
)


def callback(*examples: str, authorization: str | None = GOOD_AUTH, as_array: bool = True) -> CallbackRequest:
    events = [json.loads((FIXTURES / example).read_bytes()) for example in examples]
    body = json.dumps(events if as_array else events[0]).encode()
    headers = {"authorization": authorization} if authorization else {}
    return CallbackRequest(
        "POST", "https://gw.example/bw", headers, (), body, datetime(2026, 1, 1, tzinfo=UTC)
    )


def test_the_202_message_gives_its_id_and_segment_count() -> None:
    answer = accepted(Answer(202, {}, (FIXTURES / "create_message_response.json").read_bytes()))
    assert answer.carrier_ids == ("1589228074636lm4k2je7j7jklbn2",) and answer.segments == 1


def test_an_answer_without_an_id_is_unknown() -> None:
    with pytest.raises(SubmitUnknown):
        accepted(Answer(202, {}, b"[]"))


@pytest.mark.parametrize(
    ("status", "body", "code", "reason"),
    [
        (
            400,
            '{"type": "request-validation", "description": "Your request could not be accepted"}',
            "request-validation",
            "Your request could not be accepted",
        ),
        (400, FIELD_ERROR, "request-validation", f"Your request could not be accepted; from: {INVALID_FROM}"),
        (
            401,
            '{"type": "unauthorized", "description": "Authentication Failed"}',
            "credentials-refused",
            None,
        ),
        (403, '{"type": "forbidden", "description": "Access Denied"}', "credentials-refused", None),
    ],
)
def test_error_bodies_become_refusals_with_bandwidths_type(
    status: int, body: str, code: str, reason: str | None
) -> None:
    refusal = refused(Answer(status, {}, body.encode()))
    assert refusal.code == code
    if reason is not None:
        assert refusal.reason == reason


def test_the_applications_callback_credentials_are_authentic_and_nothing_else() -> None:
    assert carrier.authentic(callback("message_sent_callback.json"), CREDENTIALS)
    wrong = aiohttp.encode_basic_auth("bw-callbacks", "guess")
    assert not carrier.authentic(callback("message_sent_callback.json", authorization=wrong), CREDENTIALS)
    assert not carrier.authentic(callback("message_sent_callback.json", authorization=None), CREDENTIALS)


def test_sent_and_delivered_are_receipts_and_sending_is_not() -> None:
    receipts = carrier.receipts(
        callback(
            "message_sending_callback.json",
            "message_sent_callback.json",
            "sms_message_delivered_callback.json",
        )
    )
    assert [(r.carrier_id, r.status) for r in receipts] == [
        ("1593110555875xo7watq5px6rbe5d", "sent"),
        ("14762070468292kw2fuqty55yp2b2", "delivered"),
    ]
    assert receipts[1] == Receipt(
        carrier_id="14762070468292kw2fuqty55yp2b2",
        status="delivered",
        sender="+12345678901",
        recipient="+12345678902",
        at=datetime(2024, 9, 14, 18, 20, 11, 160744, tzinfo=UTC),
    )


def test_a_failure_carries_bandwidths_error_code_and_description_for_its_recipient() -> None:
    [receipt] = carrier.receipts(callback("message_failed_callback.json"))
    assert (receipt.status, receipt.error_code, receipt.reason) == ("failed", "4432", "forbidden to country")
    assert receipt.recipient == "+52345678903"


def test_a_group_delivery_names_the_recipient_it_is_about() -> None:
    [receipt] = carrier.receipts(callback("group_mms_message_delivered_callback.json"))
    assert (receipt.status, receipt.recipient) == ("delivered", "+12345678902")


def test_a_single_event_as_the_openapi_examples_show_it_is_read_too() -> None:
    [receipt] = carrier.receipts(callback("message_failed_callback.json", as_array=False))
    assert receipt.error_code == "4432"


def test_an_inbound_message_is_not_a_receipt() -> None:
    assert carrier.receipts(callback("sms_message_received_callback.json")) == []


def test_an_event_without_a_type_is_malformed() -> None:
    request = callback("message_sent_callback.json")
    with pytest.raises(ValueError, match="type"):
        carrier.receipts(CallbackRequest(**{**request.__dict__, "body": b'[{"message": {}}]'}))


def test_no_credential_shows_in_a_repr_or_a_refusal() -> None:
    for secret in ("api-password-secret", "callback-password-secret"):
        assert secret not in repr(CREDENTIALS) and secret not in repr(carrier)
        assert secret not in str(refused(Answer(401, {}, b"{}")))


def _received(message: object) -> CallbackRequest:
    body = json.dumps([{"type": "message-received", "to": "+14155550199", "message": message}]).encode()
    return CallbackRequest("POST", "https://gw.example/bw", {}, (), body, datetime(2026, 1, 1, tzinfo=UTC))


def test_the_published_message_received_is_read() -> None:
    [text] = BandwidthCarrier().inbound(callback("sms_message_received_callback.json"))
    example = json.loads((FIXTURES / "sms_message_received_callback.json").read_bytes())["message"]
    assert (text.carrier_id, text.sender, text.recipient, text.text) == (
        example["id"],
        example["from"],
        example["owner"],
        example["text"],
    )
    assert text.cc == tuple(n for n in example["to"] if n != example["owner"])


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (None, "without message"),
        ({"id": "m1", "from": "+14155550100"}, "no owner"),
        ({"id": "m1", "owner": "+14155550199", "from": "+14155550100", "to": "+1"}, "to is a list"),
        ({"id": "m1", "owner": "+14155550199", "from": "+1", "media": [{"url": "x"}]}, "list of URLs"),
        ({"owner": "+14155550199", "from": "+14155550100"}, "no id"),
    ],
)
def test_an_unreadable_message_received_is_refused_with_the_reason(message: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        BandwidthCarrier().inbound(_received(message))


def test_status_events_carry_no_inbound_text_and_bandwidth_retries_refusals() -> None:
    assert BandwidthCarrier().inbound(callback("message_sent_callback.json")) == []
    assert BandwidthCarrier.capabilities.retries_refused_callbacks
