import pytest

from textbus.search import number_contains, search_digits, text_contains

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("(415) 555", "415555"),
        ("415-555-01", "41555501"),
        ("+1 415", "1415"),
        ("415.555.0100", "4155550100"),
        (" 555 ", "555"),
        ("+14155550100", "14155550100"),
    ],
)
def test_a_search_for_part_of_a_phone_number_gives_its_digits(text: str, digits: str) -> None:
    assert search_digits(text) == digits


@pytest.mark.parametrize(
    "text", ["Ann", "acme carrier", "", "   ", "41", "+1 ()", "415 Ann", "415/555", "Room 415"]
)
def test_a_search_that_is_not_a_phone_number_gives_no_digits(text: str) -> None:
    assert search_digits(text) is None


@pytest.mark.parametrize(
    ("typed", "number", "found"),
    [
        ("(212) 400-1", "+12124001000", True),
        ("+1 212 400", "+12124001000", True),
        ("212.400.10", "+12124001000", True),
        ("4001", "+12124001000", True),
        ("310", "+12124001000", False),
        ("+1212", "+12124001000", True),
    ],
)
def test_a_number_is_found_however_it_is_typed(typed: str, number: str, found: bool) -> None:
    assert number_contains(number, typed) is found


@pytest.mark.parametrize(("typed", "found"), [("front", True), ("  FRONT desk ", True), ("back", False)])
def test_a_name_contains_what_was_typed_trimmed_in_any_case(typed: str, found: bool) -> None:
    assert text_contains("Front Desk", typed) is found


def test_text_with_digits_that_is_not_a_phone_number_is_matched_as_written() -> None:
    assert not number_contains("+14155550100", "Room 415")
    assert number_contains("+14155550100", "+1415")
