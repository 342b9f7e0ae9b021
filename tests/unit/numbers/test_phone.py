import phonenumbers
import pytest

from textbus.numbers.domain.phone import (
    InvalidNumber,
    NumberRange,
    number_range,
    parse_any,
    parse_number,
)

pytestmark = pytest.mark.unit

# Fictional 555-01xx numbers: phonenumbers checks a number's shape, not whether it is in service.
SAN_FRANCISCO = "+14155550100"


@pytest.mark.parametrize(
    "national",
    ["4155550100", "415 555 0100", "415-555-0100", "415.555.0100", "(415) 555-0100", " 415 555 0100 "],
)
def test_a_national_number_with_common_punctuation_becomes_e164(national: str) -> None:
    assert parse_number(1, national) == SAN_FRANCISCO


@pytest.mark.parametrize("country_code", [1, "1", "+1", " 1 "])
def test_the_country_code_may_be_a_number_or_text_with_or_without_a_plus(country_code: str | int) -> None:
    assert parse_number(country_code, "4155550100") == SAN_FRANCISCO


def test_fictional_555_01xx_numbers_are_valid() -> None:
    assert parse_number(1, "415 555 0199") == "+14155550199"


def test_a_canadian_number_is_valid_under_country_code_1() -> None:
    assert parse_number(1, "613 555 0100") == "+16135550100"


def test_a_national_trunk_prefix_is_dropped() -> None:
    assert parse_number(1, "1 415 555 0100") == SAN_FRANCISCO
    assert parse_number(44, "020 7946 0000") == "+442079460000"


def test_a_number_of_a_global_service_without_a_country_is_accepted() -> None:
    assert parse_number(800, "1234 5678") == "+80012345678"


def test_space_characters_copied_from_web_pages_are_accepted() -> None:
    assert parse_number(1, "415\u00a0555\u202f0100") == SAN_FRANCISCO


def test_a_national_number_written_with_a_plus_is_read_as_international() -> None:
    assert parse_number(1, "+1 415 555 0100") == SAN_FRANCISCO


def test_an_international_number_must_agree_with_the_country_code() -> None:
    with pytest.raises(InvalidNumber, match=r"country code \+44, not \+1"):
        parse_number(1, "+44 20 7946 0000")


def test_a_number_dialled_with_an_international_prefix_must_agree_with_the_country_code() -> None:
    with pytest.raises(InvalidNumber, match=r"country code \+44, not \+1"):
        parse_number(1, "011 44 20 7946 0000")


@pytest.mark.parametrize("national", ["1-800-FLOWERS", "415555010O", "415 555 0100 x12", "415 555 0100#12"])
def test_a_number_with_letters_or_symbols_is_refused(national: str) -> None:
    # phonenumbers would read 1-800-FLOWERS as +18003569377 and drop an extension.
    with pytest.raises(InvalidNumber, match="may only hold digits"):
        parse_number(1, national)


@pytest.mark.parametrize("national", ["", "   "])
def test_an_empty_number_is_refused(national: str) -> None:
    with pytest.raises(InvalidNumber, match="No phone number was given"):
        parse_number(1, national)


@pytest.mark.parametrize("national", ["()", "+", "- . -"])
def test_a_number_without_digits_is_refused(national: str) -> None:
    with pytest.raises(InvalidNumber, match="has no digits"):
        parse_number(1, national)


@pytest.mark.parametrize("country_code", ["", "abc", "1234", "1-1", -1])
def test_a_country_code_that_is_not_1_to_3_digits_is_refused(country_code: str | int) -> None:
    with pytest.raises(InvalidNumber):
        parse_number(country_code, "4155550100")


@pytest.mark.parametrize("country_code", [999, "999", 0])
def test_an_unknown_country_code_is_refused(country_code: str | int) -> None:
    with pytest.raises(InvalidNumber, match="not a known country code"):
        parse_number(country_code, "4155550100")


@pytest.mark.parametrize("national", ["415 155 0100", "123 555 0100", "999 555 0100"])
def test_a_number_not_valid_for_its_country_is_refused(national: str) -> None:
    with pytest.raises(InvalidNumber, match=r"not a valid number for country code \+1"):
        parse_number(1, national)


def test_a_number_too_short_for_its_country_says_so() -> None:
    with pytest.raises(InvalidNumber, match=r"too short for a number of country code \+1"):
        parse_number(1, "415 555")


def test_a_local_number_without_its_area_code_says_so() -> None:
    with pytest.raises(InvalidNumber, match="give it with its area code"):
        parse_number(1, "555 0100")


def test_a_number_too_long_for_its_country_says_so() -> None:
    with pytest.raises(InvalidNumber, match=r"too long for a number of country code \+1"):
        parse_number(1, "415 555 0100 00")


@pytest.mark.parametrize(
    ("text", "default_country_code"),
    [
        ("+1 415-555-0100", None),
        ("+14155550100", None),
        ("14155550100", None),
        ("1 (415) 555-0100", None),
        ("(415) 555-0100", 1),
        ("415.555.0100", 1),
        ("14155550100", 1),
    ],
)
def test_any_common_format_parses_to_e164(text: str, default_country_code: int | None) -> None:
    assert parse_any(text, default_country_code) == SAN_FRANCISCO


def test_a_leading_plus_wins_over_the_default_country_code() -> None:
    assert parse_any("+1 415 555 0100", 44) == SAN_FRANCISCO


def test_a_national_number_is_refused_without_a_default_country_code() -> None:
    # Read with the country code first, 4155550100 would be a Swiss number with a digit missing.
    with pytest.raises(InvalidNumber, match="international form"):
        parse_any("(415) 555-0100")


def test_a_national_number_is_read_in_the_default_country() -> None:
    assert parse_any("020 7946 0000", 44) == "+442079460000"


@pytest.mark.parametrize("text", ["", "Ann", "+1 415 555 0100 ext. 3", "+1 415 155 0100"])
def test_parse_any_refuses_what_is_not_a_valid_number(text: str) -> None:
    with pytest.raises(InvalidNumber):
        parse_any(text)


def test_a_range_counts_its_numbers_on_the_national_number() -> None:
    block = number_range(1, "415 555 0100", "415 555 0199", max_size=1000)

    assert block == NumberRange("+14155550100", "+14155550199")
    assert block.size == 100


def test_a_range_lists_its_numbers_in_order_from_first_to_last_inclusive() -> None:
    block = number_range(1, "415 555 0198", "(415) 555-0201", max_size=10)

    assert list(block.numbers()) == ["+14155550198", "+14155550199", "+14155550200", "+14155550201"]


def test_a_range_keeps_the_leading_zero_of_a_national_number() -> None:
    block = number_range(39, "06 1234 5698", "06 1234 5701", max_size=10)

    assert block.size == 4
    assert list(block.numbers())[1:3] == ["+390612345699", "+390612345700"]


def test_a_range_of_one_number_has_size_one() -> None:
    block = number_range(1, "4155550100", "415-555-0100", max_size=1)

    assert list(block.numbers()) == [SAN_FRANCISCO]


def test_a_range_as_large_as_the_limit_is_accepted() -> None:
    assert number_range(1, "4155550100", "4155550199", max_size=100).size == 100


def test_a_range_larger_than_the_limit_is_refused_with_its_size_and_the_limit() -> None:
    with pytest.raises(InvalidNumber, match=r"holds 10,000 numbers; at most 1,000 can be added"):
        number_range(1, "415 555 0000", "415 555 9999", max_size=1000)


def test_a_range_whose_last_number_comes_before_its_first_is_refused() -> None:
    with pytest.raises(InvalidNumber, match=r"last number \+14155550100 comes before the first"):
        number_range(1, "415 555 0199", "415 555 0100", max_size=1000)


def test_a_range_whose_ends_differ_in_length_is_refused() -> None:
    with pytest.raises(InvalidNumber, match="same length"):
        number_range(49, "30 123456", "30 1234567", max_size=10**9)


def test_a_range_whose_ends_are_in_different_countries_is_refused() -> None:
    with pytest.raises(InvalidNumber, match=r"in US and the last .* in CA"):
        number_range(1, "415 555 0100", "416 555 0100", max_size=10**9)


@pytest.mark.parametrize(
    ("first", "last", "which"),
    [
        ("415 155 0100", "415 555 0100", "first"),
        ("415 555 0100", "415 555", "last"),
        ("", "415 555 0100", "first"),
    ],
)
def test_a_range_with_an_invalid_end_is_refused_naming_the_end(first: str, last: str, which: str) -> None:
    with pytest.raises(InvalidNumber, match=f"^The {which} number of the range: "):
        number_range(1, first, last, max_size=10**9)


def test_a_range_with_an_unknown_country_code_is_refused() -> None:
    with pytest.raises(InvalidNumber, match="not a known country code"):
        number_range(999, "4155550100", "4155550199", max_size=1000)


def test_the_numbers_inside_a_range_are_not_each_validated() -> None:
    block = number_range(1, "201 999 9999", "202 200 0000", max_size=10**7)

    inside = "+12021000000"
    assert not phonenumbers.is_valid_number(phonenumbers.parse(inside))
    assert block.first < inside < block.last
    assert block.size == 2_000_002


@pytest.mark.parametrize(
    ("first", "last"),
    [("+14155550199", "+14155550100"), ("+14155550100", "+1415555010"), ("4155550100", "4155550199")],
)
def test_a_number_range_cannot_be_built_from_ends_that_make_no_range(first: str, last: str) -> None:
    with pytest.raises(ValueError, match="not a range"):
        NumberRange(first, last)
