from dataclasses import dataclass

import pytest

from textbus.contracts import Envelope
from textbus.contracts.assignments.v1 import EnterpriseUpserted
from textbus.kit.bus import Command, MessageBus, UnhandledMessage

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Greet(Command[str]):
    name: str


def upserted() -> Envelope:
    payload = EnterpriseUpserted(
        enterprise_id="acme",
        name="Acme",
        group_texting=False,
        secure_sms=False,
        connector_app="legacy",
        manages_own_numbers=False,
    )
    return Envelope.wrap(payload, source="test", subject="acme", tenant="acme")


async def test_a_command_reaches_its_one_handler_and_its_result_is_returned() -> None:
    bus = MessageBus()

    async def greet(command: Greet) -> str:
        return f"hello {command.name}"

    bus.command(Greet, greet)

    assert await bus.handle(Greet("ada")) == "hello ada"


async def test_a_second_handler_for_a_command_is_refused_at_registration() -> None:
    bus = MessageBus()

    async def greet(command: Greet) -> str:
        return command.name

    bus.command(Greet, greet)

    with pytest.raises(ValueError, match="exactly one"):
        bus.command(Greet, greet)


async def test_an_event_reaches_every_handler() -> None:
    bus = MessageBus()
    told: list[str] = []

    async def first(envelope: Envelope) -> None:
        told.append("first")

    async def second(envelope: Envelope) -> None:
        told.append("second")

    bus.event(EnterpriseUpserted, first)
    bus.event(EnterpriseUpserted, second)
    await bus.handle(upserted())

    assert told == ["first", "second"]


async def test_an_envelope_is_handled_by_the_handler_of_its_payloads_type() -> None:
    bus = MessageBus()
    envelope = upserted()

    async def kept(received: Envelope) -> str:
        return received.subject

    bus.command(EnterpriseUpserted, kept)

    assert await bus.handle(envelope) == "acme"


async def test_a_message_nobody_handles_raises() -> None:
    with pytest.raises(UnhandledMessage, match="Greet"):
        await MessageBus().handle(Greet("ada"))


async def test_an_error_of_a_handler_reaches_the_caller() -> None:
    bus = MessageBus()

    async def refuse(command: Greet) -> str:
        raise PermissionError(command.name)

    bus.command(Greet, refuse)

    with pytest.raises(PermissionError):
        await bus.handle(Greet("ada"))
