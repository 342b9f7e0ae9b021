"""The desk's rules: a message is submitted at most once, transient failures are retried with
back-off, a throttled profile slows down, a queued message expires, and what a carrier answers
moves the one state machine."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import aiohttp
import pytest

from tests.unit.carrier_gateway.fakes import (
    Clock,
    FakeMessages,
    FakeProfiles,
    ScriptedCarrier,
    a_profile,
    a_queued_message,
)
from textbus.carrier_gateway.service.carriers import Accepted, CarrierBusy, CarrierRefused, SubmitUnknown
from textbus.carrier_gateway.service.desk import Desk, DeskSettings
from textbus.carrier_gateway.service.model import Submitting
from textbus.kit.outbound import RetryLater

pytestmark = pytest.mark.unit


def a_desk(carrier: ScriptedCarrier, clock: Clock, messages: FakeMessages, attempts: int = 3) -> Desk:
    def no_http() -> aiohttp.ClientSession:
        return cast(aiohttp.ClientSession, None)  # the scripted carrier makes no HTTP call

    return Desk(
        messages,
        FakeProfiles({"p-1": a_profile(clock)}),  # type: ignore[arg-type]
        {"scripted": carrier},
        no_http,
        lambda profile, message_id: f"https://gateway.test/cb?m={message_id}",
        clock,
        DeskSettings(submit_attempts=attempts, first_retry_seconds=1.0, max_retry_seconds=10.0),
    )


async def test_an_accepted_message_is_submitted_once_and_records_the_carriers_id() -> None:
    clock, messages, carrier = Clock(), FakeMessages(), ScriptedCarrier(Accepted(("SM1",), segments=1))
    message = a_queued_message(clock)
    messages.stored[message.key] = message
    desk = a_desk(carrier, clock, messages)

    await desk.submit(message.key)
    await desk.submit(message.key)  # a second wake-up finds it submitted already

    stored = messages.stored[message.key]
    assert len(carrier.submitted) == 1
    assert stored.state == "submitted" and stored.carrier_ids == ("SM1",)
    assert messages.states() == ["submitted"]
    assert carrier.submitted[0].status_callback_url.endswith("m=m-1")


async def test_a_submit_is_recorded_as_under_way_before_the_carrier_is_called() -> None:
    clock, messages = Clock(), FakeMessages()
    message = a_queued_message(clock)
    messages.stored[message.key] = message
    seen: list[Submitting | None] = []

    class Watching(ScriptedCarrier):
        async def submit(self, *args: object, **kwargs: object) -> Accepted:
            seen.append(messages.stored[message.key].submitting)
            return Accepted(("SM1",))

    await a_desk(Watching(), clock, messages).submit(message.key)

    assert seen and seen[0] is not None and seen[0].attempt == 1


async def test_a_message_found_mid_submit_after_a_crash_is_submit_unknown_and_never_sent_again() -> None:
    clock, messages, carrier = Clock(), FakeMessages(), ScriptedCarrier()
    message = a_queued_message(clock).but(submitting=Submitting(0, 1, clock()), attempts=1)
    messages.stored[message.key] = message
    desk = a_desk(carrier, clock, messages)

    await desk.assigned([0])
    await desk.submit(message.key)

    assert messages.stored[message.key].state == "submit-unknown"
    assert carrier.submitted == []


async def test_a_transient_failure_is_tried_again_later_and_then_succeeds() -> None:
    clock, messages = Clock(), FakeMessages()
    carrier = ScriptedCarrier(RetryLater("503", retry_after=5.0), Accepted(("SM1",)))
    message = a_queued_message(clock)
    messages.stored[message.key] = message
    desk = a_desk(carrier, clock, messages)

    await desk.submit(message.key)
    waiting = messages.stored[message.key]
    assert waiting.state == "queued" and waiting.due_at is not None
    assert waiting.due_at >= clock() + timedelta(seconds=5)  # never sooner than Retry-After

    await desk.submit(message.key)  # not due yet: nothing happens
    assert len(carrier.submitted) == 1
    clock.advance(11)
    await desk.submit(message.key)
    assert messages.stored[message.key].state == "submitted"
    assert len(carrier.submitted) == 2


async def test_a_carrier_that_keeps_failing_fails_the_message_after_the_last_attempt() -> None:
    clock, messages = Clock(), FakeMessages()
    carrier = ScriptedCarrier(*(RetryLater("503") for _ in range(3)))
    message = a_queued_message(clock)
    messages.stored[message.key] = message
    desk = a_desk(carrier, clock, messages, attempts=3)

    for _ in range(3):
        await desk.submit(message.key)
        clock.advance(60)

    failed = messages.stored[message.key]
    assert failed.state == "failed" and failed.code == "carrier-unavailable"
    assert len(carrier.submitted) == 3


async def test_a_permanent_refusal_fails_the_message_with_the_carriers_code() -> None:
    clock, messages = Clock(), FakeMessages()
    carrier = ScriptedCarrier(CarrierRefused("21211", "invalid 'To' number"))
    message = a_queued_message(clock)
    messages.stored[message.key] = message

    await a_desk(carrier, clock, messages).submit(message.key)

    failed = messages.stored[message.key]
    assert (failed.state, failed.code) == ("failed", "21211")
    assert messages.states() == ["failed"]


async def test_an_answer_that_never_came_is_submit_unknown_not_resent() -> None:
    clock, messages = Clock(), FakeMessages()
    carrier = ScriptedCarrier(SubmitUnknown("timed out"))
    message = a_queued_message(clock)
    messages.stored[message.key] = message
    desk = a_desk(carrier, clock, messages)

    await desk.submit(message.key)
    clock.advance(3600)
    await desk.submit(message.key)

    assert messages.stored[message.key].state == "submit-unknown"
    assert len(carrier.submitted) == 1


async def test_a_throttled_profile_waits_before_its_next_submit() -> None:
    clock, messages = Clock(), FakeMessages()
    carrier = ScriptedCarrier(CarrierBusy("429", retry_after=30.0))
    first, second = a_queued_message(clock, "m-1"), a_queued_message(clock, "m-2")
    messages.stored |= {first.key: first, second.key: second}
    desk = a_desk(carrier, clock, messages)

    await desk.submit(first.key)
    await desk.submit(second.key)  # the profile is paused: not submitted now

    assert len(carrier.submitted) == 1
    assert messages.stored[second.key].state == "queued"


async def test_a_message_still_queued_past_its_validity_expires_unsent() -> None:
    clock, messages, carrier = Clock(), FakeMessages(), ScriptedCarrier()
    message = a_queued_message(clock)
    messages.stored[message.key] = message
    clock.advance(10 * 3600 + 1)

    await a_desk(carrier, clock, messages).submit(message.key)

    assert messages.stored[message.key].state == "expired"
    assert carrier.submitted == []


async def test_a_carrier_that_takes_one_segment_per_request_gets_each_part_in_order() -> None:
    clock, messages, carrier = Clock(), FakeMessages(), ScriptedCarrier(max_text=160, receipts=False)
    message = a_queued_message(clock, parts=("part one ", "part two"))
    messages.stored[message.key] = message
    desk = a_desk(carrier, clock, messages)

    await desk.submit(message.key)
    assert messages.stored[message.key].state == "queued"
    await desk.submit(message.key)

    assert [s.text for s in carrier.submitted] == ["part one ", "part two"]
    assert [s.part for s in carrier.submitted] == [1, 2]
    done = messages.stored[message.key]
    # A carrier that reports no delivery: sent is as far as we can know.
    assert done.state == "sent" and done.carrier_ids == ("c1", "c2")


async def test_a_message_told_to_wait_for_its_profiles_rate_goes_when_it_comes_back() -> None:
    clock, messages, carrier = Clock(), FakeMessages(), ScriptedCarrier()
    first, second = a_queued_message(clock, "m-1"), a_queued_message(clock, "m-2")
    messages.stored |= {first.key: first, second.key: second}
    desk = a_desk(carrier, clock, messages)
    desk.profiles.profiles["p-1"] = a_profile(clock, rate=1.0)  # type: ignore[attr-defined]

    await desk.submit(first.key)
    await desk.submit(second.key)  # the profile's token for it comes in a second
    assert len(carrier.submitted) == 1
    clock.advance(1.0)
    await desk.submit(second.key)  # its token was reserved then: it is not asked to wait again

    assert [s.message_id for s in carrier.submitted] == ["m-1", "m-2"]
