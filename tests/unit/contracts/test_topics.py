import re

import pytest
from prometheus_client import CollectorRegistry

from textbus.contracts import SERVICES, TOPICS, Envelope, dead_letter_topic, payload_types, topic, topics_of
from textbus.contracts.assignments.v1 import UserUpserted
from textbus.kit.kafka import create_messaging, handled_types
from textbus.kit.settings import service_settings

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


def test_every_listed_payload_type_is_declared_and_every_declared_one_is_listed() -> None:
    listed = {t for each in TOPICS for t in each.payloads}
    assert listed == set(payload_types())


def test_a_subscription_to_a_type_its_topic_does_not_carry_is_refused() -> None:
    with pytest.raises(TypeError, match=r"numbers\.commands\.v1 carries no"):
        handled_types([topic("numbers.commands.v1")], [UserUpserted])
    assert handled_types([topic("assignments.events.v1")], [UserUpserted]) == (UserUpserted.TYPE,)


async def test_publishing_a_type_its_topic_does_not_carry_is_refused() -> None:
    messaging = create_messaging(service_settings("numbers", 0), CollectorRegistry())
    user = UserUpserted(user_id="u1", display_name="Ann", sign_in_name="ann@acme.test", enabled=True)
    envelope = Envelope.wrap(user, source="test", subject="u1", tenant="acme")
    with pytest.raises(ValueError, match=r"carries no textbus\.assignments\.UserUpserted"):
        await messaging.publish(topic("numbers.commands.v1"), envelope)
