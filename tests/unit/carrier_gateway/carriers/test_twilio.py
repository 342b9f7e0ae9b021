"""Twilio's adapter against Twilio's own examples.

- fixtures/twilio/message_create_response.json: twilio/twilio-python,
  tests/integration/api/v2010/account/test_message.py (test_create_response), commit
  a792e79e6707fa71a040e37074198ac320885730;
- fixtures/twilio/account_fetch_response.json: same commit, tests/integration/api/v2010/test_account.py
  (test_fetch_response);
- the signature vectors: twilio/twilio-python, tests/unit/test_request_validator.py, commit
  306691e793f417b6974640d1ef88785e9de03b2a;
- the error bodies: twilio-python tests/unit/base/test_version.py and tests/unit/http/test_http_client.py
  (same commit), and https://www.twilio.com/docs/api/errors/20003 for the 401.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr

from textbus.carrier_gateway.adapters.carriers.http import Answer
from textbus.carrier_gateway.adapters.carriers.twilio import (
    TwilioCarrier,
    TwilioCredentials,
    accepted,
    refused,
    signature,
)
from textbus.carrier_gateway.service.carriers import CallbackRequest, Receipt, ReceiptStatus, SubmitUnknown

FIXTURES = Path(__file__).parent / "fixtures" / "twilio"
TOKEN = "12345"  # twilio-python's test token
CREDENTIALS = TwilioCredentials(account_sid="ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", auth_token=SecretStr(TOKEN))
URI = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}
carrier = TwilioCarrier()


def callback(body: dict[str, str] | str, signature_header: str | None, url: str = URI) -> CallbackRequest:
    encoded = body if isinstance(body, str) else urlencode(body)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if signature_header is not None:
        headers["x-twilio-signature"] = signature_header
    return CallbackRequest("POST", url, headers, (), encoded.encode(), datetime(2026, 1, 1, tzinfo=UTC))


def test_the_create_answer_gives_the_sid_and_the_segments_given_as_a_string() -> None:
    body = (FIXTURES / "message_create_response.json").read_bytes()
    assert accepted(Answer(201, {}, body)).carrier_ids == ("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",)
    assert accepted(Answer(201, {}, body)).segments == 1


def test_an_answer_without_a_sid_is_unknown_not_accepted() -> None:
    with pytest.raises(SubmitUnknown):
        accepted(Answer(201, {}, b'{"status": "queued"}'))


def test_the_account_fetch_example_is_a_json_account() -> None:
    account = json.loads((FIXTURES / "account_fetch_response.json").read_bytes())
    assert account["sid"].startswith("AC") and account["status"] == "active"


@pytest.mark.parametrize(
    ("status", "body", "code", "reason"),
    [
        (400, '{"message": "Invalid phone number", "code": 21211}', "21211", "Invalid phone number"),
        (
            400,
            '{"code": 20001, "message": "Bad request", "more_info": "https://www.twilio.com/docs/errors/20001",'
            ' "status": 400, "details": {"foo": "bar"}}',
            "20001",
            "Bad request",
        ),
        (
            400,
            '{"type": "https://www.twilio.com/docs/api/errors/20001", "title": "Invalid parameter",'
            ' "status": 400, "code": 20001, "detail": "The \'PhoneNumber\' parameter is required."}',
            "20001",
            "The 'PhoneNumber' parameter is required.",
        ),
        (
            401,
            '{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003",'
            ' "status": 401}',
            "credentials-refused",
            None,
        ),
        (404, "<html>not found</html>", "http-404", None),
    ],
)
def test_error_bodies_become_refusals_with_twilios_code(
    status: int, body: str, code: str, reason: str | None
) -> None:
    refusal = refused(Answer(status, {}, body.encode()))
    assert refusal.code == code
    if reason is not None:
        assert refusal.reason == reason


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (URI, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),  # test_validation
        (URI.replace(".com", ".com:1234"), "RSOYDt4T1cUTdK1PDd93/VVr8B8="),  # removes_port_on_https
        (
            URI.replace(".com", ".com:1234").replace("https", "http"),
            "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
        ),  # removes_port_on_http
        (URI, "kvajT1Ptam85bY51eRf/AJRuM3w="),  # adds_port_on_https
        (URI.replace("https", "http"), "0ZXoZLH/DfblKGATFgpif+LLRf4="),  # adds_port_on_http
    ],
)
def test_twilio_pythons_signature_vectors_are_authentic(url: str, expected: str) -> None:
    assert carrier.authentic(callback(PARAMS, expected, url), CREDENTIALS)


def test_repeated_parameters_are_signed_sorted_and_deduplicated() -> None:
    body = "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234"
    assert (
        signature(
            TOKEN, URI, [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
        )
        == "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    )
    assert carrier.authentic(callback(body, "IK+Dwps556ElfBT0I3Rgjkr1wJU="), CREDENTIALS)


def test_a_forged_a_tampered_or_a_missing_signature_is_not_authentic() -> None:
    assert not carrier.authentic(callback(PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B9="), CREDENTIALS)
    assert not carrier.authentic(
        callback({**PARAMS, "Digits": "9999"}, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), CREDENTIALS
    )
    assert not carrier.authentic(callback(PARAMS, None), CREDENTIALS)
    other = TwilioCredentials(account_sid=CREDENTIALS.account_sid, auth_token=SecretStr("54321"))
    assert not carrier.authentic(callback(PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), other)


STATUS_CALLBACK = {
    "SmsSid": "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "MessageSid": "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "AccountSid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "From": "+14155552345",
    "To": "+14155552346",
    "ApiVersion": "2010-04-01",
}


@pytest.mark.parametrize(
    ("status", "error_code", "expected"),
    [
        ("sent", None, "sent"),
        ("delivered", None, "delivered"),
        ("undelivered", "30003", "undelivered"),
        ("failed", "30008", "failed"),
    ],
)
def test_status_callbacks_are_receipts(status: str, error_code: str | None, expected: ReceiptStatus) -> None:
    body = {**STATUS_CALLBACK, "MessageStatus": status, "SmsStatus": status}
    if error_code:
        body["ErrorCode"] = error_code
    assert carrier.receipts(callback(body, None)) == [
        Receipt(
            carrier_id="SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            status=expected,
            error_code=error_code,
            sender="+14155552345",
            recipient="+14155552346",
        )
    ]


@pytest.mark.parametrize("status", ["queued", "sending", "accepted", "scheduled"])
def test_statuses_before_sending_are_not_receipts(status: str) -> None:
    assert carrier.receipts(callback({**STATUS_CALLBACK, "MessageStatus": status}, None)) == []


def test_an_inbound_message_is_not_a_receipt() -> None:
    inbound = {**STATUS_CALLBACK, "SmsStatus": "received", "Body": "STOP", "NumMedia": "0"}
    assert carrier.receipts(callback(inbound, None)) == []


def test_a_callback_without_a_status_is_malformed() -> None:
    with pytest.raises(ValueError, match="MessageStatus"):
        carrier.receipts(callback({"MessageSid": "SM1"}, None))


def test_the_answer_is_empty_twiml() -> None:
    answer = carrier.answer()
    assert (answer.status, answer.content_type) == (200, "text/xml")
    assert answer.body.endswith(b"<Response/>")


def test_no_credential_shows_in_a_repr_or_a_refusal() -> None:
    assert TOKEN not in repr(CREDENTIALS) and TOKEN not in repr(carrier)
    assert TOKEN not in str(refused(Answer(401, {}, b'{"code": 20003, "message": "Authenticate"}')))


def _inbound(
    params: dict[str, str], url: str = "https://gateway.example/v1/carriers/p1/webhook"
) -> CallbackRequest:
    body = urlencode(params).encode()
    return CallbackRequest(
        "POST",
        url,
        {"x-twilio-signature": signature(TOKEN, url, list(params.items()))},
        [],
        body,
        datetime(2026, 12, 2, tzinfo=UTC),
    )


def test_an_incoming_mms_is_read_with_its_files_and_is_no_receipt() -> None:
    request = _inbound(
        {
            "MessageSid": "MM1",
            "SmsSid": "MM1",
            "SmsStatus": "received",
            "From": "+14155550100",
            "To": "+14155550199",
            "Body": "look: ☀",
            "NumMedia": "2",
            "MediaUrl0": "https://api.twilio.com/media/ME1",
            "MediaContentType0": "image/jpeg",
            "MediaUrl1": "https://api.twilio.com/media/ME2",
            "MediaContentType1": "image/png",
        }
    )
    carrier = TwilioCarrier()
    assert carrier.authentic(request, CREDENTIALS)
    [text] = carrier.inbound(request)
    assert (text.carrier_id, text.sender, text.recipient, text.text) == (
        "MM1",
        "+14155550100",
        "+14155550199",
        "look: ☀",
    )
    assert [(m.url, m.content_type) for m in text.media] == [
        ("https://api.twilio.com/media/ME1", "image/jpeg"),
        ("https://api.twilio.com/media/ME2", "image/png"),
    ]
    assert carrier.receipts(request) == [] and carrier.replay_key(request) is None


def test_a_status_callback_carries_no_inbound_text() -> None:
    request = _inbound({"MessageSid": "SM1", "MessageStatus": "delivered", "From": "+1", "To": "+2"})
    assert TwilioCarrier().inbound(request) == []


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"SmsStatus": "received", "MessageSid": "SM1", "To": "+14155550199"}, "no From"),
        (
            {"SmsStatus": "received", "MessageSid": "SM1", "From": "+1", "To": "+2", "NumMedia": "x"},
            "NumMedia",
        ),
        (
            {"SmsStatus": "received", "MessageSid": "SM1", "From": "+1", "To": "+2", "NumMedia": "1"},
            "MediaUrl0",
        ),
    ],
)
def test_an_unreadable_incoming_message_is_refused_with_the_reason(
    params: dict[str, str], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        TwilioCarrier().inbound(_inbound(params))


def test_a_body_that_is_not_utf8_is_refused() -> None:
    request = CallbackRequest(
        "POST", "https://g.example/w", {}, [], b"Body=%FF&SmsStatus=received", datetime.now(UTC)
    )
    with pytest.raises(ValueError, match="not UTF-8"):
        TwilioCarrier().inbound(request)
