import pytest

from textbus.carrier_gateway.domain.media import (
    CARRIER_API_CAPS,
    KB,
    MediaItem,
    MediaLimits,
    check_media,
    default_media_limits,
)
from textbus.carrier_gateway.domain.number_types import NUMBER_TYPES, NumberType

pytestmark = pytest.mark.unit

LIMITS = MediaLimits(
    max_total_bytes=500 * KB,
    max_file_bytes=300 * KB,
    max_count=3,
    content_types=frozenset({"image/jpeg", "image/gif"}),
)


def jpeg(size: int, name: str = "a") -> MediaItem:
    return MediaItem(url=f"https://media.example/{name}.jpg", content_type="image/jpeg", size_bytes=size)


@pytest.mark.parametrize(
    ("kind", "number_type", "total", "per_file", "count"),
    [
        # The strictest destination (US Cellular, 500 KB) for long and short codes, 525 KB toll-free.
        ("twilio", "long-code", 500 * KB, 500 * KB, 10),
        ("twilio", "short-code", 500 * KB, 500 * KB, 10),
        ("twilio", "toll-free", 525 * KB, 525 * KB, 10),
        ("telnyx", "long-code", 500 * KB, 500 * KB, 10),
        ("bandwidth", "toll-free", 525 * KB, 525 * KB, 10),
        ("vonage", "long-code", 500 * KB, 500 * KB, 0),
        ("netsapiens", "long-code", 500 * KB, 500 * KB, 1),
        ("voipms", "toll-free", 525 * KB, 525 * KB, 3),
        ("sandbox", "long-code", 500 * KB, 500 * KB, 10),
    ],
)
def test_the_default_limits_are_the_strictest_destination_row_capped_by_the_carriers_api(
    kind: str, number_type: NumberType, total: int, per_file: int, count: int
) -> None:
    limits = default_media_limits(kind, number_type)
    assert (limits.max_total_bytes, limits.max_file_bytes, limits.max_count) == (total, per_file, count)
    assert limits.content_types == {"image/jpeg", "image/gif"}


def test_every_carrier_kind_has_caps_for_every_number_type() -> None:
    for kind, caps in CARRIER_API_CAPS.items():
        assert set(caps) == set(NUMBER_TYPES), kind


def test_an_unknown_carrier_kind_has_no_default_limits() -> None:
    with pytest.raises(ValueError, match="carrier kind 'pigeon'"):
        default_media_limits("pigeon", "long-code")


def test_media_within_every_limit_pass() -> None:
    assert check_media([jpeg(200 * KB, "a"), jpeg(300 * KB, "b")], LIMITS) is None
    assert check_media([], LIMITS) is None


@pytest.mark.parametrize("content_type", ["IMAGE/JPEG", "image/gif; charset=binary", " image/jpeg "])
def test_a_content_type_is_matched_without_case_or_parameters(content_type: str) -> None:
    item = MediaItem("https://media.example/a", content_type, 1 * KB)
    assert check_media([item], LIMITS) is None


@pytest.mark.parametrize("content_type", ["image/png", "video/mp4", "application/pdf", ""])
def test_a_type_outside_the_allowed_ones_is_refused(content_type: str) -> None:
    item = MediaItem("https://media.example/a.bin", content_type, 1 * KB)
    refusal = check_media([jpeg(1 * KB), item], LIMITS)
    assert refusal is not None
    assert refusal.code == "media-type-unsupported"
    assert "https://media.example/a.bin" in refusal.detail
    assert "image/gif, image/jpeg" in refusal.detail


def test_a_file_over_the_per_file_limit_is_refused_naming_it() -> None:
    refusal = check_media([jpeg(300 * KB + 1, "big")], LIMITS)
    assert refusal is not None
    assert refusal.code == "media-too-large"
    assert "big.jpg" in refusal.detail


def test_files_that_each_fit_but_add_up_to_too_much_are_refused() -> None:
    refusal = check_media([jpeg(250 * KB, "a"), jpeg(250 * KB + 1, "b")], LIMITS)
    assert refusal is not None
    assert refusal.code == "media-too-large"
    assert "500,001 bytes" in refusal.detail


def test_a_file_exactly_at_the_limit_fits() -> None:
    assert check_media([jpeg(300 * KB), jpeg(200 * KB)], LIMITS) is None


def test_more_files_than_the_limit_are_refused() -> None:
    refusal = check_media([jpeg(1 * KB, str(i)) for i in range(4)], LIMITS)
    assert refusal is not None
    assert refusal.code == "too-many-media"
    assert "4 files" in refusal.detail


def test_a_carrier_that_sends_no_media_says_so() -> None:
    refusal = check_media([jpeg(1 * KB)], default_media_limits("vonage", "long-code"))
    assert refusal is not None
    assert refusal.code == "too-many-media"
    assert "sends no media" in refusal.detail
