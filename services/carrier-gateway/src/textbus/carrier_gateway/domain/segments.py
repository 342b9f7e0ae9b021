"""How a text travels as SMS: its encoding and the parts it is split into (3GPP TS 23.038).

The rules are those of Twilio's message-segment-calculator (TwilioDevEd/message-segment-calculator),
which the tests hold us to: a text is GSM-7 when every character is in the GSM-7 basic or extension
table, otherwise UCS-2; one part carries 160 septets or 70 UTF-16 units, a part of a concatenated
message 153 or 67 (the user data header takes the rest); an extension character costs 2 septets and
its escape pair is never split; a character outside the BMP costs 2 units and its surrogate pair is
never split; and a grapheme cluster (an emoji with its skin tone, a ZWJ family, a letter with its
accents) is never split across parts, except that CR LF counts as two characters, as Twilio counts it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import regex

Encoding = Literal["GSM-7", "UCS-2"]

# The basic table in code order 0x00..0x7F, without the escape (0x1B), which is no character.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Each is sent as the escape and a basic code: 2 septets.
_GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_PART_CAPACITY: dict[Encoding, int] = {"GSM-7": 160, "UCS-2": 70}
CONCATENATED_PART_CAPACITY: dict[Encoding, int] = {"GSM-7": 153, "UCS-2": 67}

_CLUSTER = regex.compile(r"\X")


@dataclass(frozen=True)
class Segmentation:
    """``parts`` are the texts of the parts as the text would be split, joined they give the text
    back; an empty text has no part. ``characters`` counts as Twilio's calculator does: septets for
    GSM-7 (an extension character counts 2), grapheme clusters for UCS-2."""

    encoding: Encoding
    segments: int
    parts: tuple[str, ...]
    characters: int


def segment(text: str) -> Segmentation:
    """The encoding and parts of ``text`` sent as SMS; any number of parts (the plan refuses more
    than 255)."""
    encoding: Encoding = "GSM-7" if all(_is_gsm(char) for char in text) else "UCS-2"
    cost = _septets if encoding == "GSM-7" else _utf16_units
    clusters = _clusters(text)
    size = sum(cost(cluster) for cluster in clusters)
    characters = size if encoding == "GSM-7" else len(clusters)
    if not text:
        return Segmentation(encoding, 0, (), 0)
    if size <= SINGLE_PART_CAPACITY[encoding]:
        return Segmentation(encoding, 1, (text,), characters)
    parts = _pack(clusters, cost, CONCATENATED_PART_CAPACITY[encoding])
    return Segmentation(encoding, len(parts), parts, characters)


def non_gsm7_characters(text: str) -> tuple[str, ...]:
    """The characters that make ``text`` UCS-2, each once, in order of appearance: what to tell
    a writer who wants the cheaper encoding."""
    return tuple(dict.fromkeys(char for char in text if not _is_gsm(char)))


def _is_gsm(char: str) -> bool:
    return char in _GSM_BASIC or char in _GSM_EXTENSION


def _septets(cluster: str) -> int:
    return sum(2 if char in _GSM_EXTENSION else 1 for char in cluster)


def _utf16_units(cluster: str) -> int:
    return sum(2 if ord(char) > 0xFFFF else 1 for char in cluster)


def _clusters(text: str) -> list[str]:
    clusters: list[str] = []
    for cluster in _CLUSTER.findall(text):
        clusters.extend(("\r", "\n") if cluster == "\r\n" else (cluster,))
    return clusters


def _pack(clusters: Sequence[str], cost: Callable[[str], int], capacity: int) -> tuple[str, ...]:
    """Fill each part with whole clusters while they fit; a cluster bigger than a whole part
    (a letter under dozens of accents) is the one thing split, between its code points."""
    parts: list[str] = []
    current, used = "", 0
    for cluster in clusters:
        pieces = [cluster] if cost(cluster) <= capacity else list(cluster)
        for piece in pieces:
            size = cost(piece)
            if used + size > capacity:
                parts.append(current)
                current, used = "", 0
            current += piece
            used += size
    parts.append(current)
    return tuple(parts)
