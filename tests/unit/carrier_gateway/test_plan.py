from dataclasses import replace
from typing import get_args

import pytest

from textbus.carrier_gateway.domain.media import KB, MediaItem, MediaLimits, default_media_limits
from textbus.carrier_gateway.domain.plan import (
    Plan,
    ProfileFacts,
    Sender,
    SendFacts,
    SendingNumber,
    SendRequest,
    plan,
)
from textbus.carrier_gateway.domain.refusals import Refusal, RefusalCode

pytestmark = pytest.mark.unit

OURS = "+14155550100"
TOLL_FREE = "+18005550100"
ALICE = "+14155550111"
BOB = "+14155550122"
CAROL = "+14155550133"  # a number on this platform
LONDON = "+447911123456"

ALICES_NUMBER = SendingNumber(
    number=OURS,
    sms_capable=True,
    active=True,
    carrier_profile_id="profile-1",
    assignee_kind="user",
    assignee_id="user-1",
    project_id=None,
)
ORG_NUMBER = replace(ALICES_NUMBER, assignee_kind=None, assignee_id=None)
GROUP_NUMBER = replace(ALICES_NUMBER, assignee_kind="group", assignee_id="group-1")
PROJECT_NUMBER = replace(ORG_NUMBER, project_id="project-1")
TWILIO = ProfileFacts(
    profile_id="profile-1",
    carrier_kind="twilio",
    carrier_group_texting=True,
    carrier_max_text=None,
    nanp_only=False,
)
VOIPMS = ProfileFacts(
    profile_id="profile-1",
    carrier_kind="voipms",
    carrier_group_texting=False,
    carrier_max_text=160,
    nanp_only=True,
)
FACTS = SendFacts(number=ALICES_NUMBER, profile=TWILIO, group_texting_enabled=True)
USER = Sender("user", "user-1")
REQUEST = SendRequest(
    message_id="m-1", from_number=OURS, recipients=(ALICE,), text="Hello", media=(), sender=USER
)


def photo(size: int = 100 * KB, content_type: str = "image/jpeg", name: str = "a") -> MediaItem:
    return MediaItem(f"https://media.example/{name}.jpg", content_type, size)


def refused(result: Plan | Refusal) -> Refusal:
    assert isinstance(result, Refusal), result
    return result


def planned(result: Plan | Refusal) -> Plan:
    assert isinstance(result, Plan), result
    return result


# Each row breaks exactly one rule of an otherwise acceptable request (another tenant's number
# comes as no number at all, so it is refused exactly as an unknown one).
ONE_RULE_BROKEN: list[tuple[SendRequest, SendFacts, str, str]] = [
    (REQUEST, replace(FACTS, number=None), "number-unknown", OURS),
    (REQUEST, replace(FACTS, number=replace(ALICES_NUMBER, active=False)), "number-released", OURS),
    (
        REQUEST,
        replace(FACTS, number=replace(ALICES_NUMBER, sms_capable=False)),
        "number-not-sms-capable",
        OURS,
    ),
    (
        REQUEST,
        replace(FACTS, number=replace(ALICES_NUMBER, carrier_profile_id=None)),
        "number-without-carrier-profile",
        OURS,
    ),
    (REQUEST, replace(FACTS, profile=None), "carrier-profile-unknown", "profile-1"),
    (replace(REQUEST, sender=Sender("user", "user-2")), FACTS, "sender-not-allowed", "user user-2"),
    (replace(REQUEST, recipients=(ALICE, "4155550122")), FACTS, "recipient-invalid", "4155550122"),
    (
        replace(REQUEST, recipients=(LONDON,)),
        replace(FACTS, profile=VOIPMS),
        "recipient-not-supported",
        LONDON,
    ),
    (
        replace(REQUEST, recipients=(ALICE, BOB)),
        replace(FACTS, group_texting_enabled=False),
        "group-texting-off",
        "Group texting is off",
    ),
    (
        replace(REQUEST, recipients=(ALICE, BOB)),
        replace(FACTS, profile=replace(TWILIO, carrier_group_texting=False)),
        "group-texting-not-supported",
        "cannot send group texts",
    ),
    (
        replace(REQUEST, recipients=(ALICE, CAROL)),
        replace(FACTS, internal_recipients=frozenset({CAROL})),
        "group-mixes-internal-and-external",
        CAROL,
    ),
    (
        replace(REQUEST, recipients=(ALICE, BOB)),
        replace(FACTS, opted_out=frozenset({BOB})),
        "recipient-opted-out",
        BOB,
    ),
    (replace(REQUEST, text=""), FACTS, "message-empty", "no text and no media"),
    (replace(REQUEST, text="a" * 1_601), FACTS, "text-too-long", "1,601 characters"),
    (
        replace(REQUEST, media=(photo(content_type="image/png"),)),
        FACTS,
        "media-type-unsupported",
        "image/png",
    ),
    (replace(REQUEST, media=(photo(500 * KB + 1),)), FACTS, "media-too-large", "500,001"),
    (
        replace(REQUEST, media=tuple(photo(1 * KB, name=str(i)) for i in range(11))),
        FACTS,
        "too-many-media",
        "11 files",
    ),
]


@pytest.mark.parametrize(
    ("request_", "facts", "code", "mentions"), [pytest.param(*row, id=row[2]) for row in ONE_RULE_BROKEN]
)
def test_a_request_breaking_one_rule_is_refused_with_that_rules_code(
    request_: SendRequest, facts: SendFacts, code: str, mentions: str
) -> None:
    refusal = refused(plan(request_, facts))
    assert refusal.code == code
    assert mentions in refusal.detail


def test_the_number_rules_come_before_the_sender_and_the_content() -> None:
    request = replace(REQUEST, text="", sender=Sender("user", "user-2"))
    facts = replace(FACTS, number=replace(ALICES_NUMBER, active=False))
    assert refused(plan(request, facts)).code == "number-released"
    assert refused(plan(request, FACTS)).code == "sender-not-allowed"


def test_recipient_rules_come_before_the_content() -> None:
    request = replace(REQUEST, recipients=(BOB,), text="")
    assert refused(plan(request, replace(FACTS, opted_out=frozenset({BOB})))).code == "recipient-opted-out"


@pytest.mark.parametrize(
    ("number", "sender", "sender_groups", "allowed"),
    [
        (ALICES_NUMBER, Sender("user", "user-1"), frozenset(), True),
        (ALICES_NUMBER, Sender("user", "user-2"), frozenset(), False),
        (GROUP_NUMBER, Sender("user", "user-2"), frozenset({"group-1"}), True),
        (GROUP_NUMBER, Sender("user", "user-2"), frozenset({"group-2"}), False),
        (ORG_NUMBER, Sender("user", "user-1"), frozenset(), False),
        (GROUP_NUMBER, Sender("group", "group-1"), frozenset(), True),
        (GROUP_NUMBER, Sender("group", "group-2"), frozenset(), False),
        (ALICES_NUMBER, Sender("group", "user-1"), frozenset(), False),
        (PROJECT_NUMBER, Sender("project", "project-1"), frozenset(), True),
        (PROJECT_NUMBER, Sender("project", "project-2"), frozenset(), False),
        (ORG_NUMBER, Sender("project", "project-2"), frozenset(), True),
        (ALICES_NUMBER, Sender("project", "project-1"), frozenset(), False),
        (ORG_NUMBER, Sender("mailroom"), frozenset(), True),
        (PROJECT_NUMBER, Sender("mailroom"), frozenset(), False),
        (GROUP_NUMBER, Sender("mailroom"), frozenset(), False),
    ],
    ids=[
        "a user sends from their own number",
        "a user cannot send from another user's number",
        "a member sends from their group's number",
        "a non-member cannot send from a group's number",
        "a user cannot send from an org number",
        "a group sends from its number",
        "a group cannot send from another group's number",
        "a group cannot send from a user's number",
        "a project sends from its own number",
        "a project cannot send from another project's number",
        "a project sends from an org number",
        "a project cannot send from a user's number",
        "the mailroom sends from an org number",
        "the mailroom cannot send from a project's number",
        "the mailroom cannot send from a group's number",
    ],
)
def test_who_may_send_from_a_number(
    number: SendingNumber, sender: Sender, sender_groups: frozenset[str], allowed: bool
) -> None:
    result = plan(replace(REQUEST, sender=sender), replace(FACTS, number=number, sender_groups=sender_groups))
    assert isinstance(result, Plan) is allowed
    if not allowed:
        assert refused(result).code == "sender-not-allowed"


def test_a_group_text_mixing_internal_and_external_recipients_is_refused() -> None:
    facts = replace(FACTS, internal_recipients=frozenset({CAROL}))
    refusal = refused(plan(replace(REQUEST, recipients=(ALICE, CAROL, BOB)), facts))
    assert refusal.code == "group-mixes-internal-and-external"


def test_a_group_text_to_platform_numbers_only_or_outside_numbers_only_is_planned() -> None:
    internal_only = replace(FACTS, internal_recipients=frozenset({ALICE, CAROL}))
    assert planned(plan(replace(REQUEST, recipients=(ALICE, CAROL)), internal_only)).recipients == (
        ALICE,
        CAROL,
    )
    assert planned(plan(replace(REQUEST, recipients=(ALICE, BOB)), FACTS)).recipients == (ALICE, BOB)


def test_a_single_recipient_on_the_platform_is_not_a_group_and_may_be_sent_to() -> None:
    facts = replace(FACTS, internal_recipients=frozenset({CAROL}))
    assert isinstance(plan(replace(REQUEST, recipients=(CAROL,)), facts), Plan)


def test_a_recipient_named_twice_is_one_recipient_not_a_group() -> None:
    facts = replace(FACTS, group_texting_enabled=False)
    assert planned(plan(replace(REQUEST, recipients=(ALICE, ALICE)), facts)).recipients == (ALICE,)


def test_every_opted_out_recipient_is_named() -> None:
    facts = replace(FACTS, opted_out=frozenset({ALICE, BOB}))
    refusal = refused(plan(replace(REQUEST, recipients=(ALICE, BOB, CAROL)), facts))
    assert refusal.code == "recipient-opted-out"
    assert f"{ALICE}, {BOB} opted out" in refusal.detail
    assert CAROL not in refusal.detail


def test_a_text_is_planned_as_one_request_with_its_encoding_segments_and_pace() -> None:
    result = planned(plan(replace(REQUEST, text="a" * 200), FACTS))
    assert (result.encoding, result.segments, result.parts) == ("GSM-7", 2, ("a" * 200,))
    assert (result.number_type, result.segments_per_second) == ("long-code", 1)
    assert result.media_limits == default_media_limits("twilio", "long-code")


def test_a_carrier_taking_160_characters_a_request_gets_one_request_per_segment() -> None:
    text = "b" * 153 + "c" * 20
    result = planned(plan(replace(REQUEST, text=text), replace(FACTS, profile=VOIPMS)))
    assert result.parts == ("b" * 153, "c" * 20)
    assert result.segments == 2


def test_a_text_that_fits_one_sms_is_one_request_even_to_such_a_carrier() -> None:
    result = planned(plan(replace(REQUEST, text="d" * 160), replace(FACTS, profile=VOIPMS)))
    assert result.parts == ("d" * 160,)


def test_a_carrier_that_cannot_send_one_sms_a_request_is_no_profile() -> None:
    with pytest.raises(ValueError, match="cannot send one SMS"):
        replace(TWILIO, carrier_max_text=100)


def test_a_message_with_media_goes_as_one_mms_whatever_its_text() -> None:
    text = "e" * 400
    result = planned(plan(replace(REQUEST, text=text, media=(photo(),)), replace(FACTS, profile=VOIPMS)))
    assert (result.segments, result.parts, result.media) == (1, (text,), (photo(),))


def test_media_without_text_is_a_message() -> None:
    result = planned(plan(replace(REQUEST, text="", media=(photo(),)), FACTS))
    assert result.parts == ("",)


def test_text_of_exactly_1600_characters_is_planned() -> None:
    assert isinstance(plan(replace(REQUEST, text="f" * 1_600), FACTS), Plan)


def test_a_text_of_more_than_255_parts_is_too_long_even_under_1600_characters() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 11 UTF-16 units each
    refusal = refused(plan(replace(REQUEST, text=family * 1_600), FACTS))
    assert refusal.code == "text-too-long"


def test_a_toll_free_number_uses_its_own_limits_and_pace() -> None:
    facts = replace(FACTS, number=replace(ALICES_NUMBER, number=TOLL_FREE))
    result = planned(plan(replace(REQUEST, from_number=TOLL_FREE, media=(photo(520 * KB),)), facts))
    assert (result.number_type, result.segments_per_second) == ("toll-free", 3)
    assert result.media_limits.max_total_bytes == 525 * KB


def test_the_providers_limits_and_pace_replace_the_defaults_for_their_number_type() -> None:
    roomy = MediaLimits(
        max_total_bytes=2_000 * KB,
        max_file_bytes=2_000 * KB,
        max_count=2,
        content_types=frozenset({"image/png"}),
    )
    profile = replace(TWILIO, media_limits={"long-code": roomy}, segments_per_second={"long-code": 10})
    result = planned(
        plan(replace(REQUEST, media=(photo(1_500 * KB, "image/png"),)), replace(FACTS, profile=profile))
    )
    assert (result.media_limits, result.segments_per_second) == (roomy, 10)
    jpeg = refused(plan(replace(REQUEST, media=(photo(),)), replace(FACTS, profile=profile)))
    assert jpeg.code == "media-type-unsupported"


def test_facts_for_another_profile_than_the_numbers_are_a_mistake_of_the_caller() -> None:
    with pytest.raises(ValueError, match="profile-2"):
        plan(REQUEST, replace(FACTS, profile=replace(TWILIO, profile_id="profile-2")))


@pytest.mark.parametrize(
    "recipients", [(), tuple(f"+1415555{i:04d}" for i in range(11))], ids=["none", "eleven"]
)
def test_a_request_has_one_to_ten_recipients(recipients: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="1 to 10 recipients"):
        replace(REQUEST, recipients=recipients)


def test_only_the_mailroom_sends_without_an_id() -> None:
    with pytest.raises(ValueError, match="needs an id"):
        Sender("user")
    with pytest.raises(ValueError, match="has no id"):
        Sender("mailroom", "m-1")


def test_every_refusal_code_has_a_row_in_the_table() -> None:
    assert {row[2] for row in ONE_RULE_BROKEN} == set(get_args(RefusalCode))
