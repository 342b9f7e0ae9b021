"""Who a message may be sent to."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat

# The NANP countries a US/Canada-only carrier (voip.ms) reaches; the rest of +1 (the Caribbean) is abroad.
_US_AND_CANADA = frozenset({"US", "CA"})


def valid_recipient(e164: str) -> bool:
    """Whether ``e164`` is written in E.164 form (no spaces, a leading '+') and is a valid number
    of its country's numbering plan (phonenumbers' ``is_valid_number``)."""
    number = _parsed(e164)
    return number is not None and phonenumbers.is_valid_number(number)


def nanp_ten_digit(e164: str) -> bool:
    """Whether ``e164`` is a valid US or Canadian number (+1 and ten digits): all that a carrier
    taking only 10-digit NANP numbers can send to."""
    number = _parsed(e164)
    return (
        number is not None
        and phonenumbers.is_valid_number(number)
        and phonenumbers.region_code_for_number(number) in _US_AND_CANADA
    )


def _parsed(e164: str) -> PhoneNumber | None:
    try:
        number = phonenumbers.parse(e164)
    except NumberParseException:
        return None
    # Only the canonical form: a recipient written another way is a different key in the opt-out
    # ledger and the conversation, so it is refused rather than silently rewritten.
    if phonenumbers.format_number(number, PhoneNumberFormat.E164) != e164:
        return None
    return number
