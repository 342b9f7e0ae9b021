"""The Vonage adapter against Vonage's own examples.

Fixtures in fixtures/vonage/, copied unchanged:
- send_sms.json, send_long_sms.json, send_sms_error.json, send_sms_partial_error.json: github.com/Vonage/
  vonage-python-sdk sms/tests/data/, commit b308cb1e94192b7ae5f5f7256d0ff1dfdd028020; get_balance.json from
  account/tests/data/ and 401.json from http_client/tests/data/ at the same commit.
- delivery_receipt.json, inbound_sms.json: each field's `example` in the DeliveryReceipt and InboundMessage
  schemas of github.com/Nexmo/api-specification definitions/sms.yml, commit
  ad042003e946f5d99512cda2a8601488c8e863e5.
Signature vectors: vonage-python-sdk tests/test_signature.py at commit
7726b5f0039f75935a327c2f54b404f03343af03 (3.x: md5hash and the HMACs) and http_client/tests/test_auth.py at
b308cb1e (4.x: HMAC-md5 and HMAC-sha256, its check_signature vectors).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from tests.unit.carrier_gateway.carriers.canned import callback, canned, fixture
from textbus.carrier_gateway.adapters.carriers.vonage import (
    SignatureMethod,
    VonageCarrier,
    VonageCredentials,
    signature,
)
from textbus.carrier_gateway.service.carriers import (
    CarrierBusy,
    CarrierRefused,
    Concatenated,
    Receipt,
    Submission,
)
from textbus.kit.outbound import RetryLater

pytestmark = pytest.mark.unit

vonage = VonageCarrier()
CREDENTIALS = VonageCredentials(api_key="abcd1234", api_secret=SecretStr("s3cr3t-api"))


def submission(text: str = "Hello", encoding: Any = "GSM-7") -> Submission:
    return Submission(
        message_id="msg-1",
        part=1,
        sender="+14155550100",
        recipients=("+14155550123",),
        text=text,
        media=(),
        encoding=encoding,
        segments=1,
        status_callback_url="https://gateway.example/callbacks/p1",
        validity_seconds=3600,
    )


def signed(secret: str, method: SignatureMethod) -> VonageCredentials:
    return VonageCredentials(
        api_key="abcd1234",
        api_secret=SecretStr("s3cr3t-api"),
        signature_secret=SecretStr(secret),
        signature_method=method,
    )


async def test_a_submission_is_posted_as_vonage_documents_it() -> None:
    async with canned(fixture("vonage", "send_sms.json")) as (url, http, asked):
        accepted = await vonage.submit(http, url, CREDENTIALS, submission("Olá ✓", "UCS-2"))
    assert accepted.carrier_ids == ("3295d748-4e14-4681-af78-166dca3c5aab",)
    (request,) = asked.requests
    assert (request["method"], request["path"]) == ("POST", "/sms/json")
    assert request["form"] == {
        "api_key": "abcd1234",
        "api_secret": "s3cr3t-api",
        "from": "14155550100",
        "to": "14155550123",
        "text": "Olá ✓",
        "type": "unicode",
        "callback": "https://gateway.example/callbacks/p1",
        "client-ref": "msg-1",
        "ttl": "3600000",
    }


async def test_a_long_text_gets_one_carrier_id_per_part() -> None:
    async with canned(fixture("vonage", "send_long_sms.json")) as (url, http, _):
        accepted = await vonage.submit(http, url, CREDENTIALS, submission("x" * 200))
    assert accepted.carrier_ids == (
        "62dfdf68-6c7c-479a-a190-5c52f798a787",
        "72ff9536-62d6-455a-9f0b-65f3c265b423",
    )
    assert accepted.segments == 2


async def test_a_partly_taken_text_is_accepted_with_the_parts_vonage_took() -> None:
    async with canned(fixture("vonage", "send_sms_partial_error.json")) as (url, http, _):
        accepted = await vonage.submit(http, url, CREDENTIALS, submission("x" * 200))
    assert accepted.carrier_ids == ("3295d748-4e14-4681-af78-166dca3c5aab",)
    assert accepted.segments == 2


async def test_a_barred_number_is_refused_with_vonages_code() -> None:
    async with canned(fixture("vonage", "send_sms_error.json")) as (url, http, _):
        with pytest.raises(CarrierRefused) as refused:
            await vonage.submit(http, url, CREDENTIALS, submission())
    assert (refused.value.code, refused.value.reason) == ("7", "Number barred.")


@pytest.mark.parametrize(
    ("status", "error"),
    [
        ("1", CarrierBusy),
        ("10", CarrierBusy),
        ("5", RetryLater),
        ("4", CarrierRefused),
        ("2", CarrierRefused),
    ],
)
async def test_each_documented_part_status_maps_to_its_error(status: str, error: type[Exception]) -> None:
    answer = {"message-count": "1", "messages": [{"status": status, "error-text": "as documented"}]}
    async with canned(answer) as (url, http, _):
        with pytest.raises(error) as raised:
            await vonage.submit(http, url, CREDENTIALS, submission())
    assert "s3cr3t-api" not in str(raised.value)
    if status in ("1", "10", "5"):
        assert not isinstance(raised.value, CarrierRefused)


async def test_good_credentials_read_the_balance() -> None:
    async with canned(fixture("vonage", "get_balance.json")) as (url, http, asked):
        await vonage.check_credentials(http, url, CREDENTIALS)
    (request,) = asked.requests
    assert request["path"] == "/account/get-balance"
    assert "s3cr3t-api" not in str(request["query"])  # Basic credentials, not the URL


async def test_refused_credentials_are_a_refusal_with_vonages_title() -> None:
    async with canned(fixture("vonage", "401.json"), status=401) as (url, http, _):
        with pytest.raises(CarrierRefused) as refused:
            await vonage.check_credentials(http, url, CREDENTIALS)
    assert refused.value.code == "Unauthorized"
    assert "s3cr3t-api" not in str(refused.value)


def test_vonages_json_delivery_receipt_is_read() -> None:
    (receipt,) = vonage.receipts(callback(json_body=fixture("vonage", "delivery_receipt.json")))
    assert receipt == Receipt(
        carrier_id="0A0000001234567B",
        status="delivered",
        error_code=None,
        reason=None,
        sender="AcmeInc",
        recipient="+447700900000",
        at=datetime(2020, 1, 1, 14, 0, tzinfo=UTC),
    )


def test_the_same_receipt_as_a_get_query_is_read_alike() -> None:
    query = fixture("vonage", "delivery_receipt.json") | {"status": "expired", "err-code": "5"}
    (receipt,) = vonage.receipts(callback(method="GET", query=query))
    assert (receipt.status, receipt.error_code, receipt.reason) == ("undelivered", "5", "expired")


@pytest.mark.parametrize(
    ("word", "ours"),
    [
        ("failed", "failed"),
        ("rejected", "failed"),
        ("accepted", "sent"),
        ("buffered", "sent"),
        ("unknown", "sent"),
    ],
)
def test_each_documented_receipt_status_maps_to_ours(word: str, ours: str) -> None:
    body = fixture("vonage", "delivery_receipt.json") | {"status": word}
    assert vonage.receipts(callback(json_body=body))[0].status == ours


def test_an_inbound_message_carries_no_receipt() -> None:
    assert vonage.receipts(callback(json_body=fixture("vonage", "inbound_sms.json"))) == []


def test_a_receipt_with_an_undocumented_status_is_malformed() -> None:
    with pytest.raises(ValueError, match="not a Vonage delivery receipt"):
        vonage.receipts(callback(json_body={"messageId": "x", "status": "teleported"}))


SDK3_PARAMS = {"a": "1", "b": "2", "timestamp": "1461605396"}


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("md5hash", "6af838ef94998832dbfc29020b564830"),
        ("md5", "c15c21ced558c93a226c305f58f902f2"),
        ("sha1", "3e19a4e6880fdc2c1426bfd0587c98b9532f0210"),
        ("sha256", "a321e824b9b816be7c3f28859a31749a098713d39f613c80d455bbaffae1cd24"),
        (
            "sha512",
            "812a18f76680fa0fe1b8bd9ee1625466ceb1bd96242e4d050d2cfd9a7b40166c"
            "63ed26ec9702168781b6edcf1633db8ff95af9341701004eec3fcf9550572ee8",
        ),
    ],
)
def test_the_signature_matches_the_3x_sdks_vectors(method: SignatureMethod, expected: str) -> None:
    assert signature(SDK3_PARAMS, "secret", method) == expected


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        (
            "sha256",
            {"param1": "value1", "param2": "value2", "timestamp": "1234567890"},
            "280c4320703dbc98bfa22db676655ed2acfbfe8792b062ff7622e67f1183c287",
        ),
        (
            "md5",
            {"param1": "value&1", "param2": "value=2", "timestamp": "1234567890"},
            "2bbf0abafb2c55e5af6231513896a2ac",
        ),
    ],
)
def test_the_signature_matches_the_4x_sdks_vectors(
    method: SignatureMethod, params: dict[str, str], expected: str
) -> None:
    assert signature(params, "signature_secret", method) == expected


def at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def test_the_sdks_check_signature_vector_is_authentic() -> None:
    query = {"param": "value", "timestamp": "1234567890", "sig": "655a4d0b7f064dff438defc52b012cf5"}
    request = callback(method="GET", query=query, received_at=at(1234567890 + 60))
    assert vonage.authentic(request, signed("signature_secret", "md5"))


def test_an_upper_case_sig_is_authentic() -> None:
    query = SDK3_PARAMS | {"sig": "6AF838EF94998832DBFC29020B564830"}
    assert vonage.authentic(
        callback(method="GET", query=query, received_at=at(1461605396)), signed("secret", "md5hash")
    )


@pytest.mark.parametrize(
    "query",
    [
        {"param": "value", "timestamp": "1234567890", "sig": "invalid_signature"},  # the SDK's forged one
        {"param": "other", "timestamp": "1234567890", "sig": "655a4d0b7f064dff438defc52b012cf5"},  # tampered
        {"param": "value", "sig": "655a4d0b7f064dff438defc52b012cf5"},  # no timestamp
        {"param": "value", "timestamp": "1234567890"},  # unsigned
    ],
)
def test_a_forged_or_tampered_receipt_is_not_authentic(query: dict[str, str]) -> None:
    request = callback(method="GET", query=query, received_at=at(1234567890))
    assert not vonage.authentic(request, signed("signature_secret", "md5"))


def test_a_replayed_signed_receipt_is_not_authentic() -> None:
    query = {"param": "value", "timestamp": "1234567890", "sig": "655a4d0b7f064dff438defc52b012cf5"}
    request = callback(method="GET", query=query, received_at=at(1234567890 + 301))
    assert not vonage.authentic(request, signed("signature_secret", "md5"))


def test_without_a_signature_secret_every_receipt_is_taken() -> None:
    # Vonage's receipts are unsigned unless the account turns signing on; nothing else identifies them.
    assert vonage.authentic(callback(json_body=fixture("vonage", "delivery_receipt.json")), CREDENTIALS)


def test_credentials_never_show_their_secrets() -> None:
    credentials = signed("sig-secret", "sha256")
    assert "s3cr3t-api" not in repr(credentials)
    assert "sig-secret" not in repr(credentials)


def test_a_misspelled_credential_field_is_refused() -> None:
    with pytest.raises(ValidationError):
        VonageCredentials.model_validate({"api_key": "k", "api_secret": "s", "signature_mehtod": "sha1"})


def test_the_published_inbound_message_is_read() -> None:
    [text] = vonage.inbound(callback(json_body=fixture("vonage", "inbound_sms.json")))
    assert (text.carrier_id, text.sender, text.recipient, text.text, text.part) == (
        "0A0000000123ABCD1",
        "+447700900001",
        "+447700900000",
        "Hello world",
        None,
    )
    assert text.at == datetime(2020, 1, 1, 12, 0, tzinfo=UTC)
    assert vonage.inbound(callback(json_body=fixture("vonage", "delivery_receipt.json"))) == []


def test_a_part_of_a_long_text_names_its_place_and_the_whole() -> None:
    body = fixture("vonage", "inbound_sms.json") | {
        "concat": "true",
        "concat-ref": "108",
        "concat-total": "3",
        "concat-part": "2",
    }
    [text] = vonage.inbound(callback(method="GET", query=body))
    assert text.part == Concatenated(reference="108", total=3, part=2)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"type": "binary"}, "binary"),
        ({"concat": "true", "concat-ref": "1", "concat-total": "x", "concat-part": "1"}, "concat"),
        ({"concat": "true", "concat-ref": "1", "concat-total": "2", "concat-part": "3"}, "outside"),
        ({"messageId": ""}, "no messageId"),
    ],
)
def test_an_unreadable_inbound_message_is_refused_with_the_reason(
    changes: dict[str, str], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        vonage.inbound(callback(json_body=fixture("vonage", "inbound_sms.json") | changes))


def test_vonage_retries_what_it_was_refused() -> None:
    assert VonageCarrier.capabilities.retries_refused_callbacks
