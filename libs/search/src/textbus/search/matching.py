"""The "contains" rules of quick searches and column filters."""

import unicodedata

_DIGITS = frozenset("0123456789")
_PUNCTUATION = frozenset("-.()")
_MIN_SEARCH_DIGITS = 3


def is_phone_punctuation(char: str) -> bool:
    """What people write between a phone number's digits: - . ( ) and any space."""
    # Any space character, not only ' ': numbers copied from web pages bring non-breaking spaces.
    return char in _PUNCTUATION or unicodedata.category(char) == "Zs"


def search_digits(text: str) -> str | None:
    """The digits of ``text`` if it looks like (part of) a phone number in any common format
    ('(415) 555', '415-555-01', '+1 415'), else None ('Ann', 'acme carrier', 'Room 415').
    At least 3 digits, and nothing but digits, a '+' and phone punctuation."""
    if not all(char in _DIGITS or char == "+" or is_phone_punctuation(char) for char in text):
        return None
    digits = "".join(char for char in text if char in _DIGITS)
    return digits if len(digits) >= _MIN_SEARCH_DIGITS else None


def number_needle(text: str) -> str:
    """What an E.164 number must contain to match what was typed: its digits when the text looks
    like a phone number in any common format ('(212) 400-1', '+1 212'), else the text itself,
    trimmed, in any case (a database query matches this same needle)."""
    return search_digits(text) or text.strip().casefold()


def number_contains(number: str, text: str) -> bool:
    return number_needle(text) in number.casefold()


def text_contains(value: str, text: str) -> bool:
    """A name (or any text) contains what was typed, trimmed, in any case."""
    return text.strip().casefold() in value.casefold()
