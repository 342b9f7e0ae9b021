"""Phone numbers as the portal takes them: one number, a block of numbers.

Validity is phonenumbers' `is_valid_number`, which checks a number's shape against its country's
numbering plan and not whether it is in service, so fictional numbers such as +1 415 555 0100
(555-0100 to 555-0199) are valid here and a caller that must refuse them has to do so itself.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, ValidationResult

from textbus.search import is_phone_punctuation

_DIGITS = frozenset("0123456789")
_COUNTRY_CODE = re.compile(r"[0-9]{1,3}")
_E164 = re.compile(r"\+[1-9][0-9]+")


class InvalidNumber(ValueError):
    """Why a number is not a valid phone number (message is user-facing, says what is wrong)."""


def parse_number(country_code: str | int, national_number: str) -> str:
    """The E.164 form of a number given as the portal takes it (country code + national number).
    Accepts the national number with common punctuation (spaces, dashes, dots, parentheses);
    a national_number that already starts with '+' is parsed as international and must agree with
    country_code. Raises InvalidNumber (invalid/unknown country code, not a valid number for it per
    phonenumbers.is_valid_number, letters, empty)."""
    return _e164(_parse_national(_country_code(country_code), national_number))


def parse_any(text: str, default_country_code: int | None = None) -> str:
    """E.164 of a number written in any common format: '+1 415-555-0100', '(415) 555-0100' with a
    default country code, '14155550100', '+14155550100'. Raises InvalidNumber.

    A leading '+' always means the number is international. Without it, the number is national to
    default_country_code when one is given, and otherwise its first digits are taken as the country code.
    """
    written = _checked_characters(text)
    if written.startswith("+"):
        return _e164(_valid(_parse_international(written), written))
    if default_country_code is not None:
        return parse_number(default_country_code, written)
    try:
        return _e164(_valid(_parse_international("+" + written, shown=written), written))
    except InvalidNumber:
        raise InvalidNumber(
            f"'{written}' is not a valid number with its country code first; "
            "write it in international form, such as +1 415 555 0100."
        ) from None


@dataclass(frozen=True)
class NumberRange:
    """A block of numbers from first to last inclusive, both E.164 and of the same length."""

    first: str
    last: str

    def __post_init__(self) -> None:
        shaped = _E164.fullmatch(self.first) and _E164.fullmatch(self.last)
        if not shaped or len(self.first) != len(self.last) or self.last < self.first:
            raise ValueError(f"not a range of E.164 numbers: {self.first}..{self.last}")

    @property
    def size(self) -> int:
        return int(self.last) - int(self.first) + 1

    def numbers(self) -> Iterator[str]:
        """E.164 strings from first to last inclusive, in order."""
        width = len(self.first) - 1
        for value in range(int(self.first), int(self.last) + 1):
            yield f"+{value:0{width}d}"


def number_range(
    country_code: str | int, first_national: str, last_national: str, *, max_size: int
) -> NumberRange:
    """A block of numbers, first..last inclusive. Raises InvalidNumber when either end is invalid,
    when they differ in country or length, when last < first, or when size > max_size (the message
    states the size and the limit). The range is numeric on the national significant number, so
    +14155550100..+14155550199 has size 100. Numbers inside the range are not each validated with
    is_valid_number (a block's interior is the carrier's), but both ends are."""
    code = _country_code(country_code)
    first = _range_end(code, first_national, "first")
    last = _range_end(code, last_national, "last")
    first_e164, last_e164 = _e164(first), _e164(last)
    first_country, last_country = _country_of(first), _country_of(last)
    if first_country != last_country:
        raise InvalidNumber(
            f"The first number {first_e164} is in {first_country} and the last {last_e164} in "
            f"{last_country}; a range must stay within one country."
        )
    first_digits = phonenumbers.national_significant_number(first)
    last_digits = phonenumbers.national_significant_number(last)
    if len(first_digits) != len(last_digits):
        raise InvalidNumber(
            f"The first number {first_e164} has {len(first_digits)} digits after the country code and "
            f"the last {last_e164} has {len(last_digits)}; both ends of a range must have the same length."
        )
    if last_digits < first_digits:
        raise InvalidNumber(f"The last number {last_e164} comes before the first number {first_e164}.")
    block = NumberRange(first_e164, last_e164)
    if block.size > max_size:
        raise InvalidNumber(
            f"The range from {first_e164} to {last_e164} holds {block.size:,} numbers; "
            f"at most {max_size:,} can be added at once."
        )
    return block


def _range_end(code: int, text: str, which: str) -> PhoneNumber:
    try:
        return _parse_national(code, text)
    except InvalidNumber as error:
        raise InvalidNumber(f"The {which} number of the range: {error}") from None


def _country_code(value: str | int) -> int:
    if isinstance(value, int):
        code = value
    else:
        written = value.strip().removeprefix("+")
        if not _COUNTRY_CODE.fullmatch(written):
            raise InvalidNumber(
                f"'{value}' is not a country code; give its 1 to 3 digits, such as 1 for the US and Canada."
            )
        code = int(written)
    if code not in phonenumbers.supported_calling_codes():
        raise InvalidNumber(f"+{code} is not a known country code.")
    return code


def _parse_national(code: int, text: str) -> PhoneNumber:
    written = _checked_characters(text)
    if written.startswith("+"):
        number = _parse_international(written)
    else:
        region = phonenumbers.region_code_for_country_code(code)
        if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
            # Global services (+800, +808, ...) have no national form and no region to parse in.
            number = _parse_international(f"+{code} {written}", shown=written)
        else:
            number = _parse(written, region, shown=written)
    if number.country_code != code:
        raise InvalidNumber(f"'{written}' is a number of country code +{number.country_code}, not +{code}.")
    return _valid(number, written)


def _parse_international(text: str, *, shown: str | None = None) -> PhoneNumber:
    return _parse(text, None, shown=text if shown is None else shown)


def _parse(text: str, region: str | None, *, shown: str) -> PhoneNumber:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        raise InvalidNumber(_parse_failure(shown, error)) from None
    if number.extension:
        raise InvalidNumber(f"'{shown}' has an extension; give the number without it.")
    return number


def _parse_failure(shown: str, error: NumberParseException) -> str:
    if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return f"'{shown}' does not start with a known country code."
    if error.error_type in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return f"'{shown}' is too short to be a phone number."
    if error.error_type == NumberParseException.TOO_LONG:
        return f"'{shown}' is too long to be a phone number."
    return f"'{shown}' is not a phone number."


def _valid(number: PhoneNumber, shown: str) -> PhoneNumber:
    if phonenumbers.is_valid_number(number):
        return number
    country = f"country code +{number.country_code}"
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise InvalidNumber(f"'{shown}' is a local number; give it with its area code.")
    if reason == ValidationResult.TOO_SHORT:
        raise InvalidNumber(f"'{shown}' is too short for a number of {country}.")
    if reason == ValidationResult.TOO_LONG:
        raise InvalidNumber(f"'{shown}' is too long for a number of {country}.")
    if reason == ValidationResult.INVALID_LENGTH:
        raise InvalidNumber(f"'{shown}' does not have the right number of digits for {country}.")
    raise InvalidNumber(f"'{shown}' is not a valid number for {country}.")


def _checked_characters(text: str) -> str:
    """`text` with plain spaces and no surrounding whitespace, once it is known to hold only what a phone
    number may (phonenumbers does not take every kind of space)."""
    written = "".join(" " if unicodedata.category(char) == "Zs" else char for char in text).strip()
    if not written:
        raise InvalidNumber("No phone number was given.")
    body = written.removeprefix("+")
    for char in body:
        if char not in _DIGITS and not is_phone_punctuation(char):
            raise InvalidNumber(
                f"'{written}' contains {char!r}; a phone number may only hold digits, spaces, dashes, "
                "dots, parentheses and a leading '+'."
            )
    if not any(char in _DIGITS for char in body):
        raise InvalidNumber(f"'{written}' has no digits.")
    return written


def _country_of(number: PhoneNumber) -> str:
    return phonenumbers.region_code_for_number(number) or f"+{number.country_code}"


def _e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)
