import re

import pytest

from textbus.contracts import SERVICES, TOPICS, dead_letter_topic, topics_of

pytestmark = pytest.mark.unit


def test_topic_names_follow_area_what_version() -> None:
    for t in TOPICS:
        assert re.fullmatch(r"[a-z]+(\.[a-z]+)+\.v\d+", t.name), t.name


def test_a_command_topic_has_exactly_one_consumer() -> None:
    for t in TOPICS:
        if ".commands." in t.name:
            assert len(t.consumers) == 1, t.name


def test_each_service_has_its_own_dead_letter_topic() -> None:
    assert len({dead_letter_topic(s) for s in SERVICES}) == len(SERVICES)
    with pytest.raises(ValueError):
        dead_letter_topic("nobody")


def test_numbers_uses_its_commands_and_the_events_it_keeps_read_models_of() -> None:
    names = {t.name for t in topics_of("numbers")}
    assert {
        "numbers.commands.v1",
        "numbers.events.v1",
        "assignments.events.v1",
        "carriers.events.v1",
    } <= names
