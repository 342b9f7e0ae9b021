import pytest

from textbus.numbers.domain.csv_import import (
    DUPLICATE_IN_FILE,
    INVALID,
    TEMPLATE,
    ImportRow,
    MalformedFile,
    parse_import,
)

pytestmark = pytest.mark.unit

HEADER = "Country Code,Phone Number,SMS Capable"
MAX_BYTES = 100_000
MAX_ROWS = 100


def parse(text: str, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> list[ImportRow]:
    return parse_import(text.encode(), max_bytes=max_bytes, max_rows=max_rows)


def parse_rows(*rows: str) -> list[ImportRow]:
    return parse("\n".join([HEADER, *rows]) + "\n")


def valid(line: int, number: str, sms_capable: bool) -> ImportRow:
    return ImportRow(line=line, number=number, sms_capable=sms_capable, error=None, detail=None)


def test_the_template_is_a_header_and_one_example_row() -> None:
    assert TEMPLATE == "Country Code,Phone Number,SMS Capable\n1,4155550100,Yes\n"


def test_the_template_itself_parses_to_one_valid_row() -> None:
    assert parse(TEMPLATE) == [valid(2, "+14155550100", True)]


def test_a_national_number_with_punctuation_is_read_with_its_country_code() -> None:
    assert parse_rows("1,(415) 555-0100,No", "44,020 7946 0000,yes") == [
        valid(2, "+14155550100", False),
        valid(3, "+442079460000", True),
    ]


def test_a_full_international_number_needs_no_country_code() -> None:
    assert parse_rows(",+14155550100,Yes", " ,+1 415 555 0101,Yes") == [
        valid(2, "+14155550100", True),
        valid(3, "+14155550101", True),
    ]


def test_an_international_number_must_agree_with_a_given_country_code() -> None:
    [agrees, disagrees] = parse_rows("1,+14155550100,Yes", "44,+14155550101,Yes")

    assert agrees == valid(2, "+14155550100", True)
    assert disagrees.error == INVALID
    assert disagrees.detail is not None
    assert "country code +1, not +44" in disagrees.detail


def test_a_national_number_without_a_country_code_is_invalid() -> None:
    # Read with the country code first, 4155550100 would pass as a Swiss number.
    [row] = parse_rows(",4155550100,Yes")

    assert row.error == INVALID
    assert row.number is None
    assert row.detail is not None
    assert "Country Code is empty" in row.detail


@pytest.mark.parametrize(
    ("written", "sms_capable"),
    [
        ("Yes", True),
        ("YES", True),
        ("true", True),
        ("True", True),
        ("y", True),
        ("Y", True),
        ("1", True),
        (" yes ", True),
        ("No", False),
        ("no", False),
        ("FALSE", False),
        ("n", False),
        ("0", False),
        ("", False),
        ("  ", False),
    ],
)
def test_sms_capable_accepts_yes_no_true_false_y_n_1_0_and_empty_means_no(
    written: str, sms_capable: bool
) -> None:
    assert parse_rows(f"1,4155550100,{written}") == [valid(2, "+14155550100", sms_capable)]


@pytest.mark.parametrize("written", ["maybe", "2", "si", "yes please"])
def test_any_other_sms_capable_value_is_invalid_and_named(written: str) -> None:
    [row] = parse_rows(f"1,4155550100,{written}")

    assert row.error == INVALID
    assert row.sms_capable is None
    assert row.detail == f"SMS Capable is '{written}'; write Yes or No."


@pytest.mark.parametrize(
    ("country_code", "number", "reason"),
    [
        ("1", "415 155 0100", "not a valid number"),
        ("1", "415-CALL-NOW", "may only hold digits"),
        ("1", "", "Phone Number is empty"),
        ("999", "4155550100", "not a known country code"),
        ("US", "4155550100", "not a country code"),
        ("1", "4.15556E+09", "may only hold digits"),
    ],
)
def test_an_invalid_number_is_reported_with_its_reason(country_code: str, number: str, reason: str) -> None:
    [row] = parse_rows(f"{country_code},{number},Yes")

    assert row.error == INVALID
    assert row.number is None
    assert row.detail is not None
    assert reason in row.detail


def test_a_row_with_a_bad_number_and_a_bad_capability_gives_both_reasons() -> None:
    [row] = parse_rows("1,415 155 0100,maybe")

    assert row == ImportRow(
        line=2,
        number=None,
        sms_capable=None,
        error=INVALID,
        detail=(
            "'415 155 0100' is not a valid number for country code +1. "
            "SMS Capable is 'maybe'; write Yes or No."
        ),
    )


def test_invalid_rows_do_not_stop_the_valid_ones() -> None:
    rows = parse_rows("1,4155550100,Yes", "1,nope,Yes", "1,4155550101,No")

    assert [row.error for row in rows] == [None, INVALID, None]


def test_a_number_seen_earlier_in_the_file_is_a_duplicate_naming_the_first_line() -> None:
    rows = parse_rows("1,4155550100,Yes", "1,4155550101,Yes", ",+1 (415) 555-0100,No", "1,415.555.0100,Yes")

    assert rows[:2] == [valid(2, "+14155550100", True), valid(3, "+14155550101", True)]
    assert rows[2] == ImportRow(
        line=4,
        number="+14155550100",
        sms_capable=False,
        error=DUPLICATE_IN_FILE,
        detail="+14155550100 is already on line 2.",
    )
    assert rows[3].error == DUPLICATE_IN_FILE
    assert rows[3].detail == "+14155550100 is already on line 2."


def test_rows_keep_the_file_order_and_their_line_numbers() -> None:
    rows = parse_rows("1,4155550103,Yes", "", "1,4155550101,No", "1,4155550102,Yes")

    assert [(row.line, row.number) for row in rows] == [
        (2, "+14155550103"),
        (4, "+14155550101"),
        (5, "+14155550102"),
    ]


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + TEMPLATE.encode()

    assert parse_import(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS) == [valid(2, "+14155550100", True)]


def test_crlf_line_endings_are_accepted() -> None:
    text = f"{HEADER}\r\n1,4155550100,Yes\r\n1,4155550101,No\r\n"

    assert parse(text) == [valid(2, "+14155550100", True), valid(3, "+14155550101", False)]


def test_a_last_line_without_a_line_end_is_read() -> None:
    assert parse(f"{HEADER}\n1,4155550100,Yes") == [valid(2, "+14155550100", True)]


def test_blank_lines_are_skipped_and_not_reported() -> None:
    text = f"\n{HEADER}\n\n   \n,,\n , ,\t\n1,4155550100,Yes\n\n"

    assert parse(text) == [valid(7, "+14155550100", True)]


def test_blank_lines_do_not_count_towards_the_row_limit() -> None:
    text = f"{HEADER}\n1,4155550100,Yes\n,,\n\n1,4155550101,Yes\n,,\n"

    assert len(parse(text, max_rows=2)) == 2


def test_quoted_fields_are_read() -> None:
    text = '"Country Code","Phone Number","SMS Capable"\n"1","(415) 555-0100","Yes"\n1,"415 555, 0101",No\n'

    [first, second] = parse(text)

    assert first == valid(2, "+14155550100", True)
    assert second.error == INVALID
    assert second.detail is not None
    assert "contains ','" in second.detail


def test_a_quoted_field_over_two_lines_keeps_the_line_numbers_that_follow() -> None:
    text = f'{HEADER}\n1,"415\n555 0100",Yes\n1,4155550101,Yes\n'

    [spanning, after] = parse(text)

    assert (spanning.line, spanning.error) == (2, INVALID)
    assert after == valid(4, "+14155550101", True)


def test_the_columns_may_come_in_any_order_and_any_case_with_spaces_around() -> None:
    text = " sms capable ,PHONE NUMBER,  country code\nyes,4155550100,1\n"

    assert parse(text) == [valid(2, "+14155550100", True)]


def test_a_header_with_only_a_header_gives_no_rows() -> None:
    assert parse(f"{HEADER}\n") == []


def test_a_missing_column_is_named() -> None:
    with pytest.raises(MalformedFile, match="missing SMS Capable"):
        parse("Country Code,Phone Number\n1,4155550100\n")


def test_an_unknown_column_is_named() -> None:
    with pytest.raises(MalformedFile, match="missing Phone Number; not in the template: 'Phone', 'Carrier'"):
        parse("Country Code,Phone,SMS Capable,Carrier\n1,4155550100,Yes,Acme\n")


def test_an_unnamed_extra_column_is_refused() -> None:
    with pytest.raises(MalformedFile, match="not in the template: an unnamed column"):
        parse(f"{HEADER},\n1,4155550100,Yes,\n")


def test_a_column_given_twice_is_refused() -> None:
    with pytest.raises(MalformedFile, match="missing Country Code; given twice: Phone Number"):
        parse("Phone Number,Phone Number,SMS Capable\n")


def test_a_file_without_a_header_is_refused() -> None:
    with pytest.raises(MalformedFile, match="no header row; its first line must be: Country Code,Phone"):
        parse("1,4155550100,Yes\n1,4155550101,Yes\n")


def test_a_file_of_only_blank_rows_has_no_header() -> None:
    with pytest.raises(MalformedFile, match="no header row"):
        parse(",,\n , \n")


def test_a_file_separated_by_semicolons_is_refused_saying_so() -> None:
    with pytest.raises(MalformedFile, match="not separated by commas"):
        parse("Country Code;Phone Number;SMS Capable\n1;4155550100;Yes\n")


@pytest.mark.parametrize("row", ["1,4155550100", "1,4155550100,Yes,Acme", "4155550100"])
def test_a_row_with_a_different_number_of_fields_than_the_header_is_refused_naming_its_line(row: str) -> None:
    with pytest.raises(MalformedFile, match=r"^Line 3 has \d fields but the header has 3\.$"):
        parse(f"{HEADER}\n1,4155550101,Yes\n{row}\n")


def test_broken_quoting_is_refused_naming_the_line() -> None:
    with pytest.raises(MalformedFile, match=r"^Line 3 is not valid CSV"):
        parse(f'{HEADER}\n1,4155550100,Yes\n1,"415"5550101,Yes\n')


def test_an_unclosed_quote_is_refused_naming_the_line_it_opens_on() -> None:
    with pytest.raises(MalformedFile, match=r"^Line 2 is not valid CSV"):
        parse(f'{HEADER}\n1,"4155550100,Yes\n1,4155550101,Yes\n')


def test_as_many_rows_as_the_limit_are_accepted() -> None:
    rows = [f"1,41555501{n:02d},Yes" for n in range(10)]

    assert len(parse_rows(*rows)) == 10
    assert len(parse("\n".join([HEADER, *rows]), max_rows=10)) == 10


def test_more_rows_than_the_limit_are_refused_with_the_count_and_the_limit() -> None:
    text = "\n".join([HEADER, *(f"1,41555501{n:02d},Yes" for n in range(11))])

    with pytest.raises(MalformedFile, match="has 11 rows of numbers; at most 10 can be imported"):
        parse(text, max_rows=10)


def test_a_file_as_large_as_the_limit_is_accepted() -> None:
    assert len(parse(TEMPLATE, max_bytes=len(TEMPLATE.encode()))) == 1


def test_a_file_larger_than_the_limit_is_refused_with_its_size_and_the_limit() -> None:
    text = TEMPLATE + "1,4155550101,Yes\n" * 100

    with pytest.raises(
        MalformedFile, match=r"^The file is 1,755 bytes; at most 1,000 bytes can be imported\.$"
    ):
        parse(text, max_bytes=1000)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (f"{HEADER}\n1,4155550100,S\u00ed\n".encode("latin-1"), 2),
        (f"{HEADER}\n".encode("utf-16"), 1),
        (b"\xff\xfe", 1),
    ],
)
def test_a_file_that_is_not_utf8_is_refused_saying_so(data: bytes, line: int) -> None:
    with pytest.raises(MalformedFile, match=f"not UTF-8 text \\(line {line} "):
        parse_import(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n", b"  \r\n"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(MalformedFile, match=r"^The file is empty\.$"):
        parse_import(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
