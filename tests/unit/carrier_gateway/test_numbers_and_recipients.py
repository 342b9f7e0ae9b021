import pytest

from textbus.carrier_gateway.domain.number_types import DEFAULT_SEGMENTS_PER_SECOND, number_type
from textbus.carrier_gateway.domain.recipients import nanp_ten_digit, valid_recipient

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+14155550100", "long-code"),
        ("+16135550100", "long-code"),
        ("+18005550100", "toll-free"),
        ("+18335550100", "toll-free"),
        ("+44800123456", "toll-free"),
        ("+112345", "short-code"),
        ("+1262966", "short-code"),
    ],
    ids=[
        "US local",
        "Canadian local",
        "800",
        "833",
        "UK freephone",
        "5-digit short code",
        "6-digit short code",
    ],
)
def test_a_number_is_a_short_code_a_toll_free_number_or_a_long_code(e164: str, expected: str) -> None:
    assert number_type(e164) == expected


def test_something_that_is_no_number_has_no_type() -> None:
    with pytest.raises(ValueError, match="not a phone number"):
        number_type("not a number")


def test_each_number_type_has_its_default_pace() -> None:
    assert DEFAULT_SEGMENTS_PER_SECOND == {"long-code": 1, "toll-free": 3, "short-code": 100}


@pytest.mark.parametrize("e164", ["+14155550100", "+16135550100", "+447911123456", "+18765550100"])
def test_a_valid_number_in_e164_form_is_a_valid_recipient(e164: str) -> None:
    assert valid_recipient(e164)


@pytest.mark.parametrize(
    "written",
    ["4155550100", "+1 415 555 0100", "+1415555010", "+1-415-555-0100", "", "+", "hello", "+11234567890"],
    ids=["no plus", "spaces", "too short", "dashes", "empty", "plus alone", "letters", "invalid area code"],
)
def test_anything_but_a_valid_number_in_e164_form_is_not_a_recipient(written: str) -> None:
    assert not valid_recipient(written)


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+14155550100", True),
        ("+16135550100", True),
        ("+18005550100", True),
        ("+18765550100", False),
        ("+447911123456", False),
        ("+1 415 555 0100", False),
    ],
    ids=["US", "Canada", "US toll-free", "Jamaica", "UK", "not E.164"],
)
def test_only_us_and_canadian_ten_digit_numbers_are_nanp_ten_digit(e164: str, expected: bool) -> None:
    assert nanp_ten_digit(e164) is expected
