"""What kind of number a sending number is, which sets its MMS limits and its pace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, get_args

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

NumberType = Literal["long-code", "toll-free", "short-code"]
NUMBER_TYPES: Final[tuple[NumberType, ...]] = get_args(NumberType)

# Segments a second a number sends when its profile sets no pace: the US carriers' usual
# throughput for a 10DLC long code, a verified toll-free number and a short code.
DEFAULT_SEGMENTS_PER_SECOND: Final[Mapping[NumberType, float]] = {
    "long-code": 1,
    "toll-free": 3,
    "short-code": 100,
}

# Short codes are 5 or 6 digits in the US and Canada and at most 6 in most countries.
_SHORT_CODE_MAX_DIGITS = 6


def number_type(e164: str) -> NumberType:
    """Short code when its national significant number has at most 6 digits, toll-free when
    phonenumbers says so for its country, otherwise long code. ValueError if it is no number."""
    try:
        number = phonenumbers.parse(e164)
    except NumberParseException:
        raise ValueError(f"{e164!r} is not a phone number in E.164 form") from None
    if len(phonenumbers.national_significant_number(number)) <= _SHORT_CODE_MAX_DIGITS:
        return "short-code"
    if phonenumbers.number_type(number) == PhoneNumberType.TOLL_FREE:
        return "toll-free"
    return "long-code"
