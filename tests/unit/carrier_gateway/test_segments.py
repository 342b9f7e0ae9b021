"""Encoding and segments, held to Twilio's message-segment-calculator.

The cases marked "Twilio's" are the test cases of github.com/TwilioDevEd/message-segment-calculator,
tests/index.test.js, tests/segments.test.js and tests/methods.test.js at commit
a50230fddb2b4af8fd8e0a9497553883dfe5374e (2024-06-26), with their bodies rebuilt from digit runs
(checked equal to the originals) and their expectations unchanged. Twilio's smart-encoding cases
are left out: we send the text as it was written.
"""

import pytest

from textbus.carrier_gateway.domain.segments import Segmentation, non_gsm7_characters, segment

pytestmark = pytest.mark.unit


def digits(start: int, count: int) -> str:
    """``count`` digits counting on from ``start``: '1234567890123...' as Twilio's bodies are."""
    return "".join(str(i % 10) for i in range(start, start + count))


TRICOLOUR = "\U0001f1ee\U0001f1f9"  # the Italian flag: two regional indicators, one grapheme, 4 units
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"  # 6 UTF-16 units, one grapheme
WINKING = "\U0001f61c"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 11 units, one grapheme
THUMBS_UP_MEDIUM = "\U0001f44d\U0001f3fd"  # with a skin tone: 4 units, one grapheme


@pytest.mark.parametrize(
    ("body", "encoding", "segments", "characters"),
    [
        pytest.param(digits(1, 160), "GSM-7", 1, 160, id="GSM-7 in one segment"),
        pytest.param(digits(1, 161), "GSM-7", 2, 161, id="GSM-7 in two segments"),
        pytest.param(digits(1, 307), "GSM-7", 3, 307, id="GSM-7 in three segments"),
        pytest.param(WINKING + digits(2, 68), "UCS-2", 1, 69, id="UCS-2 message in one segment"),
        pytest.param(WINKING + digits(2, 69), "UCS-2", 2, 70, id="UCS-2 message in two segments"),
        pytest.param(WINKING + digits(2, 133), "UCS-2", 3, 134, id="UCS-2 message in three segments"),
        pytest.param(TRICOLOUR + digits(2, 66), "UCS-2", 1, 67, id="two-unit pairs at the one-segment edge"),
        pytest.param(TRICOLOUR + digits(2, 67), "UCS-2", 2, 68, id="two-unit pairs just over it"),
        pytest.param(
            RAINBOW_FLAG + digits(2, 64), "UCS-2", 1, 65, id="a ZWJ sequence at the one-segment edge"
        ),
        pytest.param(RAINBOW_FLAG + digits(2, 65), "UCS-2", 2, 66, id="a ZWJ sequence just over it"),
    ],
)
def test_twilios_basic_cases_give_the_same_encoding_segments_and_characters(
    body: str, encoding: str, segments: int, characters: int
) -> None:
    result = segment(body)
    assert (result.encoding, result.segments, result.characters) == (encoding, segments, characters)
    assert len(result.parts) == segments
    assert "".join(result.parts) == body


@pytest.mark.parametrize("escaped", ["|", "^", "€", "{", "}", "[", "]", "~", "\\"])
def test_twilios_escape_characters_cost_two_septets(escaped: str) -> None:
    one = segment(escaped + digits(1, 158))
    two = segment(escaped + digits(1, 159))
    assert (one.encoding, one.segments, one.characters) == ("GSM-7", 1, 160)
    assert (two.encoding, two.segments, two.characters) == ("GSM-7", 2, 161)


@pytest.mark.parametrize("character", ["Á", "Ú", "ú", "ç", "í", "Í", "ó", "Ó"])
def test_twilios_one_grapheme_ucs2_characters_fit_seventy_to_a_segment(character: str) -> None:
    assert segment(character * 70).segments == 1
    assert segment(character * 71).segments == 2
    assert segment(character * 71).encoding == "UCS-2"
    assert non_gsm7_characters(character * 71) == (character,)


def test_twilios_gsm_escape_characters_in_a_ucs2_text_cost_one_unit() -> None:
    assert segment("\U0001f600" + "]" * 68).segments == 1
    assert segment("\U0001f600" + "]" * 69).segments == 2


@pytest.mark.parametrize(
    ("body", "characters"),
    [("\rabcde\r\n123", 11), ("\nabcde\n\n123\n", 12)],
    ids=["CRLF counts as two", "LF counts as one"],
)
def test_twilios_line_breaks_are_one_septet_each(body: str, characters: int) -> None:
    result = segment(body)
    assert (result.encoding, result.characters) == ("GSM-7", characters)


def test_twilios_letter_with_three_accents_is_one_character_that_is_never_split() -> None:
    accented = "e\u0301\u0301\u0301"
    assert segment(accented).characters == 1
    assert segment(accented + "a" * 66).segments == 1
    assert segment(accented + "a" * 67).segments == 2


def test_twilios_segment_analysis_leaves_one_character_in_the_last_part() -> None:
    assert segment(digits(1, 307)).parts[2] == "7"
    assert segment(WINKING + digits(2, 133)).parts[2] == "4"


def test_twilios_non_gsm_characters_are_named() -> None:
    assert non_gsm7_characters("más") == ("á",)


def test_a_euro_sign_that_would_straddle_a_part_boundary_starts_the_next_part() -> None:
    result = segment("a" * 152 + "€" + "b" * 10)
    assert result.parts == ("a" * 152, "€" + "b" * 10)


def test_an_extension_character_that_just_fits_stays_in_its_part() -> None:
    result = segment("a" * 151 + "€" + "b" * 10)
    assert result.parts == ("a" * 151 + "€", "b" * 10)


@pytest.mark.parametrize(
    ("emoji", "units"),
    [(THUMBS_UP_MEDIUM, 4), (FAMILY, 11), (RAINBOW_FLAG, 6), (WINKING, 2)],
    ids=["skin tone", "ZWJ family", "ZWJ flag", "surrogate pair"],
)
def test_an_emoji_that_would_cross_the_67_unit_boundary_moves_whole_to_the_next_part(
    emoji: str, units: int
) -> None:
    before = "a" * (67 - units + 1)
    result = segment(before + emoji + "b" * 10)
    assert result.parts == (before, emoji + "b" * 10)


@pytest.mark.parametrize(
    ("emoji", "units"),
    [(THUMBS_UP_MEDIUM, 4), (FAMILY, 11)],
    ids=["skin tone", "ZWJ family"],
)
def test_an_emoji_that_ends_exactly_at_67_units_stays_in_the_first_part(emoji: str, units: int) -> None:
    before = "a" * (67 - units)
    result = segment(before + emoji + "b" * 10)
    assert result.parts == (before + emoji, "b" * 10)


def test_the_section_sign_is_gsm7_but_a_lower_case_c_cedilla_is_not() -> None:
    assert (segment("§" * 160).encoding, segment("§" * 160).segments) == ("GSM-7", 1)
    assert segment("ça va").encoding == "UCS-2"
    assert segment("Ça va").encoding == "GSM-7"


@pytest.mark.parametrize("character", ["`", "\u00a0", "\x1b", "\u2019"])
def test_a_character_outside_both_gsm_tables_makes_the_text_ucs2(character: str) -> None:
    assert segment("plain text " + character).encoding == "UCS-2"


def test_a_form_feed_is_an_extension_character() -> None:
    assert segment("\f").characters == 2
    assert segment("\f").encoding == "GSM-7"


def test_line_feeds_are_gsm7_and_count_one_septet() -> None:
    result = segment("line one\nline two\n")
    assert (result.encoding, result.segments, result.characters) == ("GSM-7", 1, 18)
    assert segment("\n" * 160).segments == 1
    assert segment("\n" * 161).segments == 2


def test_an_empty_text_has_no_part() -> None:
    assert segment("") == Segmentation("GSM-7", 0, (), 0)


def test_a_grapheme_bigger_than_a_part_is_split_between_its_code_points_only() -> None:
    zalgo = "e" + "\u0301" * 100
    result = segment(zalgo)
    assert result.segments == 2
    assert "".join(result.parts) == zalgo
    assert [len(part) for part in result.parts] == [67, 34]


def test_the_number_of_parts_is_not_capped_here() -> None:
    assert segment("a" * 153 * 255).segments == 255
    assert segment("a" * (153 * 255 + 1)).segments == 256


@pytest.mark.parametrize(
    "body",
    [
        digits(1, 1000),
        ("{x}" * 200),
        (WINKING + "word " + FAMILY) * 40,
        ("a" * 66 + "\U0001f600") * 10,
        "€" * 400,
    ],
    ids=["digits", "escapes", "emoji", "pairs at every boundary", "euros"],
)
def test_every_part_fits_its_capacity_and_the_parts_give_the_text_back(body: str) -> None:
    result = segment(body)
    assert "".join(result.parts) == body
    capacity = 153 if result.encoding == "GSM-7" else 67
    for part in result.parts:
        units = sum(2 if ord(char) > 0xFFFF else 1 for char in part)
        septets = sum(2 if char in "\f^{}\\[~]|€" else 1 for char in part)
        assert (septets if result.encoding == "GSM-7" else units) <= capacity
