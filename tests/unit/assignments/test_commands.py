"""Each command reaches its use case with exactly the arguments the use case takes."""

import inspect
from dataclasses import fields

import pytest

from textbus.assignments.service.commands import COMMANDS

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("command", list(COMMANDS), ids=lambda command: command.__name__)
def test_a_command_carries_the_arguments_of_its_use_case(command: type) -> None:
    use_case = inspect.signature(COMMANDS[command])
    _ports, *arguments = use_case.parameters.values()

    assert {f.name for f in fields(command)} == {a.name for a in arguments}
    use_case.bind(None, **{f.name: None for f in fields(command)})
