"""The NetSapiens adapter against ns-api v2's own examples.

Fixtures in fixtures/netsapiens/, copied unchanged from the request examples of the generated ns-api
v2 client github.com/spectrumvoip/netsapiens-openapi-php, commit 792537bcb7b01267ba5bbd7dbebc1c9a4f62e837:
send_sms_request.json from docs/Api/MessagesApi.md (sendMessageSMS), token_request.json from
docs/Api/AuthenticationAccessTokenOauthUsernamePasswordApi.md (tokensPost). Error bodies follow its
ErrorResponse model ({code, message}) for the 400, 401 and 404 that sendMessageSMS declares.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from pydantic import SecretStr, ValidationError

from tests.unit.carrier_gateway.carriers.canned import a_submission, callback, canned, fixture
from textbus.carrier_gateway.adapters.carriers.netsapiens import (
    NetSapiensCarrier,
    NetSapiensCredentials,
    session_id,
)
from textbus.carrier_gateway.service.carriers import CarrierRefused

pytestmark = pytest.mark.unit

WITH_KEY = NetSapiensCredentials(
    api_host="https://pbx.example",
    domain="sampleDomain",
    user="1000",
    api_key=SecretStr("nsk_key"),
    webhook_secret=SecretStr("hook-1"),
)
WITH_LOGIN = NetSapiensCredentials(
    api_host="https://pbx.example",
    domain="sampleDomain",
    user="1000",
    client_id="{{client_id}}",
    client_secret=SecretStr("{{client_secret}}"),
    username="{{sub_login}}",
    password=SecretStr("{{user_password}}"),
    webhook_secret=SecretStr("hook-1"),
)
EXAMPLE = a_submission("+18585550001", "+18585551234", "Hello there, sending sms!")


async def test_a_text_is_sent_as_the_specs_example() -> None:
    async with canned({"code": 202, "message": "Accepted"}, status=202) as (url, http, asked):
        accepted = await NetSapiensCarrier().submit(
            http, "", WITH_KEY.model_copy(update={"api_host": url}), EXAMPLE
        )
    (request,) = asked.requests
    session = accepted.carrier_ids[0]
    assert request["path"] == f"/ns-api/v2/domains/sampleDomain/users/1000/messagesessions/{session}/messages"
    assert request["headers"]["Authorization"] == "Bearer nsk_key"
    assert fixture("netsapiens", "send_sms_request.json") == json.loads(request["body"])


async def test_the_password_grant_is_asked_as_the_specs_example() -> None:
    async with canned({"code": 400, "message": "bad grant"}, status=400) as (url, http, asked):
        with pytest.raises(CarrierRefused):
            await NetSapiensCarrier().check_credentials(
                http, "", WITH_LOGIN.model_copy(update={"api_host": url})
            )
    (request,) = asked.requests
    assert request["path"] == "/ns-api/v2/tokens"
    assert fixture("netsapiens", "token_request.json") == json.loads(request["body"])


@pytest.mark.parametrize("status", [400, 403, 404])
async def test_an_error_response_is_a_refusal_with_its_code_and_message(status: int) -> None:
    async with canned({"code": status, "message": "as ns-api says"}, status=status) as (url, http, _):
        with pytest.raises(CarrierRefused) as refused:
            await NetSapiensCarrier().submit(http, "", WITH_KEY.model_copy(update={"api_host": url}), EXAMPLE)
    assert (refused.value.code, refused.value.reason) == (str(status), "as ns-api says")
    assert "nsk_key" not in f"{refused.value!r}"


def test_a_thread_keeps_its_session_and_the_session_is_as_ns_api_requires() -> None:
    session = session_id(WITH_KEY, "+18585550001", ("+18585551234",))
    assert session == session_id(WITH_KEY, "+18585550001", ("+18585551234",))
    assert session != session_id(WITH_KEY, "+18585550001", ("+18585550002",))
    assert len(session) >= 32 and session.isalnum()


async def test_a_group_text_has_every_destination() -> None:
    group = replace(EXAMPLE, recipients=("+18585551234", "+18585550002"))
    async with canned({"code": 202, "message": "Accepted"}, status=202) as (url, http, asked):
        await NetSapiensCarrier().submit(http, "", WITH_KEY.model_copy(update={"api_host": url}), group)
    assert json.loads(asked.requests[0]["body"])["destination"] == ["18585551234", "18585550002"]


def test_credentials_need_an_api_key_or_a_whole_login() -> None:
    with pytest.raises(ValidationError, match="api_key"):
        NetSapiensCredentials(
            api_host="https://pbx.example",
            domain="d",
            user="1000",
            client_id="c",
            username="u",
            password=SecretStr("p"),
            webhook_secret=SecretStr("hook-1"),
        )
    assert "user_password" not in repr(WITH_LOGIN)


def test_a_subscription_post_is_authentic_by_the_secret_in_its_path() -> None:
    ns = NetSapiensCarrier()
    assert ns.authentic(callback(url="https://gateway.example/callbacks/p2/s/hook-1"), WITH_KEY)
    assert not ns.authentic(callback(url="https://gateway.example/callbacks/p2/s/hook-2"), WITH_KEY)
    assert ns.receipts(callback(json_body={"id": "m1", "status": "sent"})) == []
    assert not ns.capabilities.receipts
