"""Every refusal of the send plan, through the gateway's REST API and its Kafka topic: each with
its stable code, nothing sent."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.carrier_gateway.conftest import TENANT, Gateway
from textbus.contracts.outbound.v1 import Sender

pytestmark = pytest.mark.e2e

USERS_NUMBER = "+14155550100"  # assigned to u-1
GROUPS_NUMBER = "+14155550101"  # assigned to group g-1 (members u-1, u-2)
ORG_NUMBER = "+14155550102"  # no assignee, no project
PROJECT_NUMBER = "+14155550103"  # project p-1's
RELEASED = "+14155550104"
NOT_CAPABLE = "+14155550105"
NO_PROFILE = "+14155550106"
GONE_PROFILE = "+14155550107"
OTHER_TENANTS = "+14155550108"
TWILIO_NUMBER, VOIPMS_NUMBER = "+14155550110", "+14155550111"
FRIEND, OTHER_FRIEND, INTERNAL = "+14155550199", "+14155550198", "+14155550109"
JPEG = {"url": "https://example.test/a.jpg", "content_type": "image/jpeg", "size_bytes": 40_000}


@pytest.fixture
async def scene(gateway: Gateway) -> Gateway:
    profile = (
        await gateway.profile(
            "sandbox", mms_limits={"long-code": {"max_total_bytes": 100_000, "max_count": 2}}
        )
    )["profile_id"]
    await gateway.enterprise("globex")
    await gateway.group("g-1", ["u-1", "u-2"])
    await gateway.project("p-1", [PROJECT_NUMBER])
    await gateway.number(USERS_NUMBER, profile)
    await gateway.number(GROUPS_NUMBER, profile, assignee=("group", "g-1"))
    await gateway.number(ORG_NUMBER, profile, assignee=None)
    await gateway.number(PROJECT_NUMBER, profile, assignee=None)
    await gateway.number(RELEASED, profile, active=False)
    await gateway.number(NOT_CAPABLE, profile, sms=False)
    await gateway.number(NO_PROFILE, None)
    await gateway.number(GONE_PROFILE, "no-such-profile")
    await gateway.number(OTHER_TENANTS, profile, tenant="globex")
    await gateway.number(INTERNAL, profile, assignee=("user", "u-9"))
    await gateway.opted_out(OTHER_FRIEND)
    return gateway


def body(
    from_number: str = USERS_NUMBER,
    to: list[str] | None = None,
    text: str = "Hello",
    sender: dict[str, Any] | None = None,
    media: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "message_id": "plan-1",
        "from_number": from_number,
        "to": to or [FRIEND],
        "text": text,
        "sender": sender or {"kind": "user", "id": "u-1"},
        "media": media or [],
    }


REFUSALS = [
    ("number-unknown", body(from_number="+14155550177")),
    ("number-unknown", body(from_number=OTHER_TENANTS)),  # another tenant's looks the same
    ("number-released", body(from_number=RELEASED)),
    ("number-not-sms-capable", body(from_number=NOT_CAPABLE)),
    ("number-without-carrier-profile", body(from_number=NO_PROFILE)),
    ("carrier-profile-unknown", body(from_number=GONE_PROFILE)),
    ("sender-not-allowed", body(sender={"kind": "user", "id": "u-2"})),
    ("sender-not-allowed", body(from_number=GROUPS_NUMBER, sender={"kind": "user", "id": "u-3"})),
    ("sender-not-allowed", body(from_number=PROJECT_NUMBER, sender={"kind": "mailroom"})),
    ("sender-not-allowed", body(from_number=PROJECT_NUMBER, sender={"kind": "project", "id": "p-2"})),
    ("sender-not-allowed", body(from_number=USERS_NUMBER, sender={"kind": "mailroom"})),
    ("recipient-invalid", body(to=["+10000000000"])),
    ("group-texting-off", body(to=[FRIEND, "+14155550197"])),
    ("recipient-opted-out", body(to=[OTHER_FRIEND])),
    ("message-empty", body(text="")),
    ("text-too-long", body(text="x" * 1601)),
    ("media-type-unsupported", body(media=[{**JPEG, "content_type": "video/mp4"}])),
    ("media-too-large", body(media=[{**JPEG, "size_bytes": 200_000}])),
    ("too-many-media", body(media=[{**JPEG, "size_bytes": 1000}] * 3)),
]


async def test_each_refusal_of_the_plan_answers_422_with_its_code(scene: Gateway) -> None:
    for code, request in REFUSALS:
        status, answer = await scene.call("POST", f"/v1/tenants/{TENANT}/messages/plan", json=request)
        assert (status, answer.get("code")) == (422, code), (request, answer)
        assert answer["detail"]
        status, answer = await scene.call("POST", f"/v1/tenants/{TENANT}/messages", json=request)
        assert (status, answer.get("code")) == (422, code), (request, answer)
    assert await scene.db["outbound_messages"].count_documents({}) == 0


async def test_who_may_send_from_which_number(scene: Gateway) -> None:
    allowed = [
        body(from_number=GROUPS_NUMBER, sender={"kind": "user", "id": "u-2"}),  # a member of its group
        body(from_number=GROUPS_NUMBER, sender={"kind": "group", "id": "g-1"}),
        body(from_number=PROJECT_NUMBER, sender={"kind": "project", "id": "p-1"}),
        body(from_number=ORG_NUMBER, sender={"kind": "mailroom"}),
        body(from_number=ORG_NUMBER, sender={"kind": "project", "id": "p-7"}),  # org numbers serve projects
    ]
    for request in allowed:
        status, answer = await scene.call("POST", f"/v1/tenants/{TENANT}/messages/plan", json=request)
        assert status == 200, (request, answer)


async def test_group_texting_follows_the_setting_and_never_mixes_internal_and_external(
    scene: Gateway,
) -> None:
    await scene.enterprise(group_texting=True)
    group = body(to=[FRIEND, "+14155550197"])
    status, answer = await scene.call("POST", f"/v1/tenants/{TENANT}/messages/plan", json=group)
    assert status == 200 and answer["recipients"] == [FRIEND, "+14155550197"], answer

    mixed = body(to=[FRIEND, INTERNAL])
    status, answer = await scene.call("POST", f"/v1/tenants/{TENANT}/messages/plan", json=mixed)
    assert (status, answer["code"]) == (422, "group-mixes-internal-and-external")

    twilio = await scene.profile("twilio", {"account_sid": "AC" + "2" * 32, "auth_token": "t"})
    await scene.number(TWILIO_NUMBER, twilio["profile_id"])
    status, answer = await scene.call(
        "POST",
        f"/v1/tenants/{TENANT}/messages/plan",
        json=body(from_number=TWILIO_NUMBER, to=[FRIEND, "+14155550197"]),
    )
    assert (status, answer["code"]) == (422, "group-texting-not-supported")


async def test_a_carrier_for_us_and_canada_only_refuses_other_recipients(scene: Gateway) -> None:
    voipms = await scene.profile("voipms", {"api_username": "u", "api_password": "p"})
    await scene.number(VOIPMS_NUMBER, voipms["profile_id"])

    status, answer = await scene.call(
        "POST",
        f"/v1/tenants/{TENANT}/messages/plan",
        json=body(from_number=VOIPMS_NUMBER, to=["+447911123456"]),
    )
    assert (status, answer["code"]) == (422, "recipient-not-supported")
    status, answer = await scene.call(
        "POST", f"/v1/tenants/{TENANT}/messages/plan", json=body(from_number=VOIPMS_NUMBER, text="x" * 200)
    )
    assert status == 200 and (answer["segments"], answer["parts"]) == (2, 2)  # one request per segment


async def test_a_plan_counts_encoding_and_segments(scene: Gateway) -> None:
    status, answer = await scene.call("POST", f"/v1/tenants/{TENANT}/messages/plan", json=body(text="€" * 81))
    assert status == 200 and (answer["encoding"], answer["segments"]) == ("GSM-7", 2), answer
    status, answer = await scene.call("POST", f"/v1/tenants/{TENANT}/messages/plan", json=body(text="ç" * 71))
    assert status == 200 and (answer["encoding"], answer["segments"]) == ("UCS-2", 2), answer


async def test_a_request_on_kafka_that_the_plan_refuses_is_recorded_refused_with_an_event(
    scene: Gateway,
) -> None:
    message_id = await scene.send(USERS_NUMBER, [FRIEND], sender=Sender(kind="user", id="u-2"))

    message = await scene.settled(message_id)

    assert (message["state"], message["code"]) == ("refused", "sender-not-allowed")
    events = [e for e in await scene.statuses(2) if e.message_id == message_id]
    assert [(e.state, e.code) for e in events] == [("accepted", None), ("refused", "sender-not-allowed")]


async def test_a_message_sent_over_rest_answers_202_with_its_plan_and_is_delivered(scene: Gateway) -> None:
    request = {**body(text="Hi 👋"), "message_id": "rest-1"}
    status, answer = await scene.call("POST", f"/v1/tenants/{TENANT}/messages", json=request)
    assert status == 202, answer
    assert answer["message_id"] == "rest-1" and answer["plan"]["encoding"] == "UCS-2"

    status, _ = await scene.call("POST", f"/v1/tenants/{TENANT}/messages", json=request)
    assert status == 202  # a retried POST is the same message

    message = await scene.settled("rest-1")
    assert message["state"] == "delivered"
    assert await scene.db["outbound_messages"].count_documents({"message_id": "rest-1"}) == 1
