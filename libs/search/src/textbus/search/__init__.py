"""What typing into a search box finds, the same in every service: pure rules, no I/O, that
domain modules may use (they may not use the kit or the wire contracts)."""

from textbus.search.matching import (
    is_phone_punctuation,
    number_contains,
    number_needle,
    search_digits,
    text_contains,
)

__all__ = [
    "is_phone_punctuation",
    "number_contains",
    "number_needle",
    "search_digits",
    "text_contains",
]
