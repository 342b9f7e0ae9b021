"""The voip.ms adapter against voip.ms's answers.

voip.ms publishes no example bodies in a repository (its API page, voip.ms/m/apidocs.php, needs a
login); the answers below take their shape from the calls and error words of github.com/4doom4/
python-voipms (voipms/voipmsclient.py, voipms/entities/didssend.py, voipms/helpers.py ERROR_CODES),
commit 7daf04c38fdb8df39b34e3015039fb6fb0ddca3b.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import SecretStr

from tests.unit.carrier_gateway.carriers.canned import a_submission, callback, canned, shown
from textbus.carrier_gateway.adapters.carriers.voipms import VoipMsCarrier, VoipMsCredentials
from textbus.carrier_gateway.service.carriers import (
    CarrierBusy,
    CarrierRefused,
    Media,
)
from textbus.kit.outbound import RetryLater

pytestmark = pytest.mark.unit

voipms = VoipMsCarrier()
CREDENTIALS = VoipMsCredentials(
    api_username="me@example.com",
    api_password=SecretStr("pa55-word"),
    webhook_secret=SecretStr("hook-s3cret"),
)
SUBMISSION = a_submission("+15145550100", "+15145550123")


async def test_a_text_is_sent_with_sendsms_and_ten_digit_numbers() -> None:
    async with canned({"status": "success", "sms": "23434"}) as (url, http, asked):
        accepted = await voipms.submit(http, url, CREDENTIALS, SUBMISSION)
    assert accepted.carrier_ids == ("23434",)
    (request,) = asked.requests
    assert (request["method"], request["path"]) == ("GET", "/api/v1/rest.php")
    assert request["query"] == {
        "api_username": "me@example.com",
        "api_password": "pa55-word",
        "method": "sendSMS",
        "did": "5145550100",
        "dst": "5145550123",
        "message": "Hello from textbus",
    }


async def test_media_goes_with_sendmms_as_media_urls() -> None:
    media = tuple(Media(f"https://media.example/{n}.jpg", "image/jpeg", 1000) for n in (1, 2))
    async with canned({"status": "success", "mms": "777"}) as (url, http, asked):
        accepted = await voipms.submit(http, url, CREDENTIALS, replace(SUBMISSION, media=media))
    assert accepted.carrier_ids == ("777",)
    query = asked.requests[0]["query"]
    assert (query["method"], query["media1"], query["media2"]) == (
        "sendMMS",
        "https://media.example/1.jpg",
        "https://media.example/2.jpg",
    )
    assert "media3" not in query


@pytest.mark.parametrize(
    ("word", "error"),
    [
        ("invalid_dst", CarrierRefused),
        ("invalid_sms", CarrierRefused),
        ("invalid_did", CarrierRefused),
        ("invalid_credentials", CarrierRefused),
        ("ip_not_enabled", CarrierRefused),
        ("limit_reached", CarrierBusy),
        ("method_maintenance", RetryLater),
    ],
)
async def test_each_error_word_maps_to_what_it_means(word: str, error: type[Exception]) -> None:
    async with canned({"status": word}) as (url, http, _):
        with pytest.raises(error) as raised:
            await voipms.submit(http, url, CREDENTIALS, SUBMISSION)
    if isinstance(raised.value, CarrierRefused):
        assert raised.value.code == word
    else:
        assert not isinstance(raised.value, CarrierRefused)
    assert "pa55-word" not in shown(raised.value)


async def test_a_number_outside_north_america_is_refused_before_any_call() -> None:
    async with canned({"status": "success", "sms": "1"}) as (url, http, asked):
        with pytest.raises(CarrierRefused) as refused:
            await voipms.submit(http, url, CREDENTIALS, replace(SUBMISSION, recipients=("+447700900000",)))
    assert refused.value.code == "not-nanp"
    assert asked.requests == []


async def test_an_unreadable_answer_never_shows_the_password() -> None:
    async with canned("<html>oops</html>") as (url, http, _):
        with pytest.raises(CarrierRefused) as refused:
            await voipms.check_credentials(http, url, CREDENTIALS)
    assert "pa55-word" not in shown(refused.value)


async def test_the_balance_answers_whether_the_credentials_are_good() -> None:
    async with canned({"status": "success", "balance": {"current_balance": "10.0000"}}) as (url, http, asked):
        await voipms.check_credentials(http, url, CREDENTIALS)
    assert asked.requests[0]["query"]["method"] == "getBalance"
    async with canned({"status": "invalid_credentials"}) as (url, http, _):
        with pytest.raises(CarrierRefused):
            await voipms.check_credentials(http, url, CREDENTIALS)


def test_a_callback_with_the_webhook_secret_in_its_path_is_authentic() -> None:
    url = "https://gateway.example/callbacks/p1/s/hook-s3cret?from={FROM}&to={TO}"
    assert voipms.authentic(callback(method="GET", url=url), CREDENTIALS)


@pytest.mark.parametrize(
    "url",
    [
        "https://gateway.example/callbacks/p1/s/hook-guess",
        "https://gateway.example/callbacks/p1/hook-s3cret",
        "https://gateway.example/callbacks/p1?s=hook-s3cret",
        "https://gateway.example/s/hook-s3cret/more",
    ],
)
def test_a_callback_without_the_secret_at_the_end_of_its_path_is_not(url: str) -> None:
    assert not voipms.authentic(callback(method="GET", url=url), CREDENTIALS)


def test_voipms_callbacks_carry_no_receipts_and_are_answered_ok() -> None:
    assert voipms.receipts(callback(method="GET", query={"from": "5145550123", "message": "hi"})) == []
    assert voipms.answer().body == b"ok"
    assert not voipms.capabilities.receipts
    assert voipms.capabilities.max_text == 160


def test_credentials_never_show_their_secrets() -> None:
    assert "pa55-word" not in repr(CREDENTIALS)
    assert "hook-s3cret" not in repr(CREDENTIALS)
