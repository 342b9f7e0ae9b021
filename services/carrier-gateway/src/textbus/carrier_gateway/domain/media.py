"""MMS limits as data: what the destination carriers take (the product rule) and what each
carrier's API takes, per number type.

Sizes are decimal (1 KB = 1,000 bytes, 1 MB = 1,000,000): the smaller reading of the tables, so
a message within our limit is within the carriers' whichever unit they meant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from textbus.carrier_gateway.domain.number_types import NUMBER_TYPES, NumberType
from textbus.carrier_gateway.domain.refusals import Refusal

KB: Final = 1_000
MB: Final = 1_000_000

# Seed 003 (the MMS size table US carriers publish): the largest message each destination carrier
# takes, by the type of the sending number. The size is of the whole message (headers, text and
# files), so media filling it exactly may still be refused; the table is the product rule.
DESTINATION_CARRIER_LIMITS: Final[Mapping[str, Mapping[NumberType, int]]] = {
    "AT&T": {"long-code": 1 * MB, "short-code": 1 * MB, "toll-free": 525 * KB},
    "Verizon": {"long-code": 1_200 * KB, "short-code": 1_200 * KB, "toll-free": 525 * KB},
    "T-Mobile & Sprint": {"long-code": 1 * MB, "short-code": 1 * MB, "toll-free": 525 * KB},
    "US Cellular": {"long-code": 500 * KB, "short-code": 500 * KB, "toll-free": 525 * KB},
}

# Seed 003's supported MMS types: jpg, jpeg (both image/jpeg) and gif.
SEED_MEDIA_TYPES: Final = frozenset({"image/jpeg", "image/gif"})


@dataclass(frozen=True)
class ApiMediaCap:
    """What a carrier's API takes in one message; None where it sets no limit of its own."""

    max_total_bytes: int | None
    max_file_bytes: int | None
    max_count: int


def _every_type(cap: ApiMediaCap) -> Mapping[NumberType, ApiMediaCap]:
    return dict.fromkeys(NUMBER_TYPES, cap)


CARRIER_API_CAPS: Final[Mapping[str, Mapping[NumberType, ApiMediaCap]]] = {
    # Twilio: 5 MB a message (errors 11751, 63034), at most 10 media (21623).
    "twilio": _every_type(ApiMediaCap(max_total_bytes=5 * MB, max_file_bytes=None, max_count=10)),
    # Telnyx: media_urls under 1 MB in total, up to 10 URLs.
    "telnyx": _every_type(ApiMediaCap(max_total_bytes=1 * MB - 1, max_file_bytes=None, max_count=10)),
    # Bandwidth v2: 3.5 MB a file; toll-free MMS over 525 KB is refused (error 4411). Its docs
    # give no count: 10, as the other APIs allow.
    "bandwidth": {
        "long-code": ApiMediaCap(max_total_bytes=None, max_file_bytes=3_500 * KB, max_count=10),
        "short-code": ApiMediaCap(max_total_bytes=None, max_file_bytes=3_500 * KB, max_count=10),
        "toll-free": ApiMediaCap(max_total_bytes=525 * KB, max_file_bytes=3_500 * KB, max_count=10),
    },
    # Vonage's SMS API (POST /sms/json, the one our adapter speaks) carries text only: no media.
    "vonage": _every_type(ApiMediaCap(max_total_bytes=None, max_file_bytes=None, max_count=0)),
    # NetSapiens ns-api v2: a message of type "mms" carries one attachment in the generated
    # client's Message model; no size is documented, so the destination table governs.
    "netsapiens": _every_type(ApiMediaCap(max_total_bytes=None, max_file_bytes=None, max_count=1)),
    # voip.ms sendMMS takes up to three files (media1..media3); no size is documented.
    "voipms": _every_type(ApiMediaCap(max_total_bytes=None, max_file_bytes=None, max_count=3)),
    # Our own sandbox carrier takes what Twilio takes, so the product rule is what it exercises.
    "sandbox": _every_type(ApiMediaCap(max_total_bytes=5 * MB, max_file_bytes=None, max_count=10)),
}


@dataclass(frozen=True)
class MediaLimits:
    """What one message may carry from a number of one type through one carrier profile."""

    max_total_bytes: int
    max_file_bytes: int
    max_count: int
    content_types: frozenset[str]


@dataclass(frozen=True)
class MediaItem:
    url: str
    content_type: str
    size_bytes: int


def default_media_limits(carrier_kind: str, number_type: NumberType) -> MediaLimits:
    """The limits a profile has when its provider sets none. The destination carrier is not known
    when we send, so the size is the strictest row of seed 003 for the number type, capped by the
    carrier API's own limits; the types are seed 003's. ValueError for an unknown carrier kind."""
    try:
        cap = CARRIER_API_CAPS[carrier_kind][number_type]
    except KeyError:
        raise ValueError(f"no media limits are known for carrier kind {carrier_kind!r}") from None
    total = min(limits[number_type] for limits in DESTINATION_CARRIER_LIMITS.values())
    if cap.max_total_bytes is not None:
        total = min(total, cap.max_total_bytes)
    per_file = total if cap.max_file_bytes is None else min(total, cap.max_file_bytes)
    return MediaLimits(
        max_total_bytes=total,
        max_file_bytes=per_file,
        max_count=cap.max_count,
        content_types=SEED_MEDIA_TYPES,
    )


def check_media(media: Sequence[MediaItem], limits: MediaLimits) -> Refusal | None:
    """None when the media fit; otherwise the first rule they break, in the order type, size
    (each file, then all together), count."""
    for item in media:
        if _essence(item.content_type) not in limits.content_types:
            allowed = ", ".join(sorted(limits.content_types)) or "none"
            return Refusal(
                "media-type-unsupported",
                f"{item.url} is {item.content_type}; this number can send {allowed}.",
            )
    for item in media:
        if item.size_bytes > limits.max_file_bytes:
            return Refusal(
                "media-too-large",
                f"{item.url} is {item.size_bytes:,} bytes; a file may be at most "
                f"{limits.max_file_bytes:,} bytes from this number.",
            )
    total = sum(item.size_bytes for item in media)
    if total > limits.max_total_bytes:
        return Refusal(
            "media-too-large",
            f"The media add up to {total:,} bytes; a message may carry at most "
            f"{limits.max_total_bytes:,} bytes from this number. Send fewer or smaller files.",
        )
    if len(media) > limits.max_count:
        if limits.max_count == 0:
            return Refusal("too-many-media", "This number's carrier sends no media; send the text alone.")
        return Refusal(
            "too-many-media",
            f"The message has {len(media)} files; at most {limits.max_count} can be sent in one message.",
        )
    return None


def _essence(content_type: str) -> str:
    """The type without its parameters, in lower case: 'IMAGE/JPEG; q=1' is image/jpeg."""
    return content_type.split(";", 1)[0].strip().lower()
