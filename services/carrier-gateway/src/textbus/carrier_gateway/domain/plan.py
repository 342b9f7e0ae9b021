"""Whether a message may be sent, and how: the gateway's rules before anything reaches a carrier.

``plan`` checks the rules in a fixed order and answers the first one broken as a ``Refusal``, or a
``Plan``. The facts it needs are gathered by the caller (the number, its profile, consent, the
enterprise's settings): the rules here read nothing themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from textbus.carrier_gateway.domain.media import MediaItem, MediaLimits, check_media, default_media_limits
from textbus.carrier_gateway.domain.number_types import DEFAULT_SEGMENTS_PER_SECOND, NumberType, number_type
from textbus.carrier_gateway.domain.recipients import nanp_ten_digit, valid_recipient
from textbus.carrier_gateway.domain.refusals import Refusal
from textbus.carrier_gateway.domain.segments import Encoding, segment

MAX_RECIPIENTS: Final = 10
# Twilio's Body and voip.ms's sendMMS limit, counted as Segmentation.characters counts.
MAX_CHARACTERS: Final = 1_600
MAX_PARTS: Final = 255  # the concatenation header counts parts in one octet

SenderKind = Literal["user", "group", "project", "mailroom"]


@dataclass(frozen=True)
class Sender:
    """Who sends: a user, an SMS group, a project (by id) or the enterprise's mailroom (no id)."""

    kind: SenderKind
    id: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "mailroom" and self.id is not None:
            raise ValueError("the mailroom sender has no id")
        if self.kind != "mailroom" and self.id is None:
            raise ValueError(f"a {self.kind} sender needs an id")


@dataclass(frozen=True)
class SendRequest:
    message_id: str
    from_number: str
    recipients: tuple[str, ...]
    text: str
    media: tuple[MediaItem, ...]
    sender: Sender

    def __post_init__(self) -> None:
        if not 1 <= len(self.recipients) <= MAX_RECIPIENTS:
            raise ValueError(f"a message has 1 to {MAX_RECIPIENTS} recipients, not {len(self.recipients)}")


@dataclass(frozen=True)
class SendingNumber:
    """The sending number as the requesting tenant sees it; an org number has no assignee and no
    project."""

    number: str
    sms_capable: bool
    active: bool
    carrier_profile_id: str | None
    assignee_kind: Literal["user", "group"] | None
    assignee_id: str | None
    project_id: str | None


@dataclass(frozen=True)
class ProfileFacts:
    """The number's carrier profile. ``media_limits`` and ``segments_per_second`` hold the
    provider's settings per number type; a type missing from them takes the defaults.
    ``carrier_max_text``: the carrier takes at most this many characters a request (voip.ms: 160),
    never less than one SMS, so that each segment fits one request."""

    profile_id: str
    carrier_kind: str
    carrier_group_texting: bool
    carrier_max_text: int | None
    nanp_only: bool
    media_limits: Mapping[NumberType, MediaLimits] = field(default_factory=dict)
    segments_per_second: Mapping[NumberType, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.carrier_max_text is not None and self.carrier_max_text < 160:
            raise ValueError(f"a carrier taking {self.carrier_max_text} characters cannot send one SMS")


@dataclass(frozen=True)
class SendFacts:
    """``number`` is None when it is not one of the requesting tenant's numbers (another tenant's
    number looks exactly the same, so that nobody learns which numbers exist); ``profile`` is None
    when the number's carrier profile does not exist. ``internal_recipients``: the recipients that
    are numbers on this platform; ``opted_out``: the recipients who opted out of this number."""

    number: SendingNumber | None
    profile: ProfileFacts | None
    group_texting_enabled: bool
    sender_groups: frozenset[str] = frozenset()
    internal_recipients: frozenset[str] = frozenset()
    opted_out: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Plan:
    """How the message goes. ``parts`` are the texts of the requests: the whole text, or one
    segment's text a request when the carrier takes fewer characters than the text has. A message
    with media goes as one MMS: one part, the whole text, counting one segment (as carriers count an
    MMS against a number's pace)."""

    encoding: Encoding
    segments: int
    parts: tuple[str, ...]
    recipients: tuple[str, ...]
    media: tuple[MediaItem, ...]
    number_type: NumberType
    segments_per_second: float
    media_limits: MediaLimits


def plan(request: SendRequest, facts: SendFacts) -> Plan | Refusal:
    """The plan for sending ``request``, or the first rule it breaks: the number (known, active,
    SMS-capable, with a carrier profile that exists), the sender's right to the number, the
    recipients (valid, reachable by the carrier, group texting allowed and possible, not mixing
    platform and outside numbers, none opted out), then the content (text and media)."""
    number, profile = facts.number, facts.profile
    if number is None:
        return Refusal("number-unknown", f"{request.from_number} is not a number of this enterprise.")
    if not number.active:
        return Refusal("number-released", f"{number.number} was released and can no longer send.")
    if not number.sms_capable:
        return Refusal("number-not-sms-capable", f"{number.number} cannot send text messages.")
    if number.carrier_profile_id is None:
        return Refusal(
            "number-without-carrier-profile",
            f"{number.number} has no carrier profile; give it one to send through its carrier.",
        )
    if profile is None:
        return Refusal(
            "carrier-profile-unknown",
            f"{number.number}'s carrier profile {number.carrier_profile_id} does not exist.",
        )
    if profile.profile_id != number.carrier_profile_id:
        raise ValueError(f"the facts give profile {profile.profile_id} for {number.carrier_profile_id}")
    return (
        _sender_refusal(request.sender, number, facts.sender_groups)
        or _recipients_refusal(request.recipients, profile, facts)
        or _content(request, number, profile)
    )


def _sender_refusal(sender: Sender, number: SendingNumber, groups: frozenset[str]) -> Refusal | None:
    org_number = number.assignee_kind is None and number.project_id is None
    match sender.kind:
        case "user":
            allowed = (number.assignee_kind == "user" and number.assignee_id == sender.id) or (
                number.assignee_kind == "group" and number.assignee_id in groups
            )
        case "group":
            allowed = number.assignee_kind == "group" and number.assignee_id == sender.id
        case "project":
            # Seed 004: a project sends from its own numbers or the organisation's.
            allowed = number.project_id == sender.id or org_number
        case "mailroom":
            allowed = org_number
    if allowed:
        return None
    who = "the mailroom" if sender.kind == "mailroom" else f"{sender.kind} {sender.id}"
    return Refusal("sender-not-allowed", f"{who} may not send from {number.number}.")


def _recipients_refusal(
    recipients: tuple[str, ...], profile: ProfileFacts, facts: SendFacts
) -> Refusal | None:
    invalid = [recipient for recipient in recipients if not valid_recipient(recipient)]
    if invalid:
        return Refusal(
            "recipient-invalid",
            f"{_listed(invalid)} {_is_or_are(invalid)} not a valid phone number in E.164 form, "
            "such as +14155550100.",
        )
    if profile.nanp_only:
        abroad = [recipient for recipient in recipients if not nanp_ten_digit(recipient)]
        if abroad:
            return Refusal(
                "recipient-not-supported",
                f"This number's carrier sends only to US and Canadian numbers, not to {_listed(abroad)}.",
            )
    if len(set(recipients)) > 1:
        if not facts.group_texting_enabled:
            return Refusal(
                "group-texting-off", "Group texting is off for this enterprise; send to one recipient."
            )
        if not profile.carrier_group_texting:
            return Refusal(
                "group-texting-not-supported",
                "This number's carrier cannot send group texts; send to one recipient at a time.",
            )
        internal = sorted(facts.internal_recipients.intersection(recipients))
        if internal and not facts.internal_recipients.issuperset(recipients):
            # Seed 003: a group text that includes both internal and external recipients is not supported.
            return Refusal(
                "group-mixes-internal-and-external",
                f"{_listed(internal)} {_is_or_are(internal)} on this platform and the others are "
                "not; a group text goes either to platform numbers only or to outside numbers only.",
            )
    opted_out = [recipient for recipient in recipients if recipient in facts.opted_out]
    if opted_out:
        return Refusal(
            "recipient-opted-out",
            f"{_listed(opted_out)} opted out of messages from this number; "
            "they can opt back in by texting START.",
        )
    return None


def _content(request: SendRequest, number: SendingNumber, profile: ProfileFacts) -> Plan | Refusal:
    if not request.text and not request.media:
        return Refusal("message-empty", "The message has no text and no media.")
    segmentation = segment(request.text)
    if segmentation.characters > MAX_CHARACTERS or segmentation.segments > MAX_PARTS:
        return Refusal(
            "text-too-long",
            f"The text has {segmentation.characters:,} characters in {segmentation.segments} parts; "
            f"at most {MAX_CHARACTERS:,} characters in {MAX_PARTS} parts can be sent.",
        )
    kind = number_type(number.number)
    limits = profile.media_limits.get(kind) or default_media_limits(profile.carrier_kind, kind)
    refusal = check_media(request.media, limits)
    if refusal is not None:
        return refusal
    parts: tuple[str, ...]
    if request.media:
        segments, parts = 1, (request.text,)
    elif profile.carrier_max_text is not None and segmentation.segments > 1:
        segments, parts = segmentation.segments, segmentation.parts
    else:
        segments, parts = segmentation.segments, (request.text,)
    return Plan(
        encoding=segmentation.encoding,
        segments=segments,
        parts=parts,
        recipients=tuple(dict.fromkeys(request.recipients)),
        media=request.media,
        number_type=kind,
        segments_per_second=profile.segments_per_second.get(kind, DEFAULT_SEGMENTS_PER_SECOND[kind]),
        media_limits=limits,
    )


def _listed(numbers: Sequence[str]) -> str:
    return ", ".join(numbers)


def _is_or_are(numbers: Sequence[str]) -> str:
    return "is" if len(numbers) == 1 else "are"
