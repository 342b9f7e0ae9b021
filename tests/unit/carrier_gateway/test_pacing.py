from datetime import UTC, datetime, timedelta

import pytest

from textbus.carrier_gateway.domain.pacing import (
    SLOWEST_SHARE,
    PacerState,
    TokenBucket,
    queue_full,
    schedule,
)

pytestmark = pytest.mark.unit

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def later(seconds: float) -> datetime:
    return NOON + timedelta(seconds=seconds)


def test_an_idle_number_sends_at_once() -> None:
    due_at, state = schedule(PacerState(), NOON, segments=3, segments_per_second=1)
    assert due_at == NOON
    assert state == PacerState(later(3))


def test_a_message_waits_until_the_numbers_earlier_ones_have_used_their_time() -> None:
    _, state = schedule(PacerState(), NOON, segments=3, segments_per_second=1)
    due_at, state = schedule(state, later(1), segments=2, segments_per_second=1)
    assert due_at == later(3)
    assert state == PacerState(later(5))


def test_a_number_idle_since_its_last_message_sends_at_once_again() -> None:
    due_at, state = schedule(PacerState(later(3)), later(60), segments=1, segments_per_second=3)
    assert due_at == later(60)
    assert state.free_at == later(60) + timedelta(seconds=1 / 3)


def test_a_faster_number_spaces_its_segments_closer() -> None:
    state = PacerState()
    dues = []
    for _ in range(4):
        due_at, state = schedule(state, NOON, segments=1, segments_per_second=100)
        dues.append(due_at)
    assert dues == [NOON, later(0.01), later(0.02), later(0.03)]


def test_a_pace_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        schedule(PacerState(), NOON, segments=1, segments_per_second=0)


def test_a_number_queues_at_most_ten_hours_of_its_rate() -> None:
    nearly = PacerState(NOON + timedelta(hours=10) - timedelta(seconds=1))
    assert not queue_full(nearly, NOON, segments_per_second=1)
    assert queue_full(nearly, NOON, segments_per_second=1, segments=2)
    assert queue_full(PacerState(NOON + timedelta(hours=10)), NOON, segments_per_second=1)
    assert not queue_full(PacerState(), NOON, segments_per_second=1)


def test_the_queue_cap_can_be_set() -> None:
    state = PacerState(later(30))
    assert queue_full(state, NOON, segments_per_second=1, cap=timedelta(seconds=30))
    assert not queue_full(state, NOON, segments_per_second=1, cap=timedelta(minutes=1))


def test_a_full_bucket_lets_a_burst_go_at_once_then_paces_at_its_rate() -> None:
    bucket = TokenBucket(rate=10, burst=5)
    assert [bucket.take(NOON) for _ in range(5)] == [0, 0, 0, 0, 0]
    assert bucket.take(NOON) == pytest.approx(0.1)
    assert bucket.take(NOON) == pytest.approx(0.2)


def test_a_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    bucket = TokenBucket(rate=10, burst=5)
    bucket.take(NOON, 5)
    assert bucket.take(later(0.3), 3) == 0
    assert bucket.take(later(0.3), 1) == pytest.approx(0.1)
    assert bucket.take(later(100), 5) == 0
    assert bucket.take(later(100), 1) == pytest.approx(0.1)


def test_after_a_429_no_tokens_until_the_retry_after_and_the_rate_halves() -> None:
    bucket = TokenBucket(rate=10, burst=5)
    bucket.slow_down(NOON, retry_after_seconds=2)
    assert bucket.take(later(1)) == pytest.approx(1 + 1 / 5)
    assert bucket.rate_at(later(2)) == pytest.approx(5)


def test_after_a_pause_the_rate_climbs_back_to_full_over_the_recovery_time() -> None:
    bucket = TokenBucket(rate=10, burst=5, recovery=timedelta(seconds=60))
    bucket.slow_down(NOON, retry_after_seconds=2)
    assert bucket.rate_at(later(2 + 30)) == pytest.approx(7.5)
    assert bucket.rate_at(later(2 + 60)) == pytest.approx(10)
    assert bucket.rate_at(later(2 + 600)) == pytest.approx(10)


def test_429s_while_paused_lengthen_the_pause_without_slowing_further() -> None:
    bucket = TokenBucket(rate=10, burst=5)
    bucket.slow_down(NOON, retry_after_seconds=2)
    bucket.slow_down(later(1), retry_after_seconds=3)
    assert bucket.rate_at(later(4)) == pytest.approx(5)
    assert bucket.take(later(1)) == pytest.approx(3 + 1 / 5)


def test_repeated_429s_after_each_pause_halve_the_rate_down_to_a_floor() -> None:
    bucket = TokenBucket(rate=16, burst=5)
    moment = NOON
    for _ in range(8):
        bucket.slow_down(moment, retry_after_seconds=1)
        moment += timedelta(seconds=1)
    assert bucket.rate_at(moment) == pytest.approx(16 * SLOWEST_SHARE)


def test_a_slowed_bucket_never_hands_out_more_than_its_rate_allowed() -> None:
    bucket = TokenBucket(rate=10, burst=1)
    bucket.slow_down(NOON, retry_after_seconds=0)
    waited = 0.0
    for _ in range(20):
        waited = bucket.take(NOON, 1)
    # 20 tokens at a rate climbing from 5 a second could not all be there in under 2 seconds.
    assert waited >= 20 / 10


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (1, 0), (-1, 5)])
def test_a_bucket_needs_a_positive_rate_and_burst(rate: float, burst: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(rate=rate, burst=burst)
