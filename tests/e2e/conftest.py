"""The numbers and assignments services in-process on one isolation prefix, as ``./dev run`` pairs them:
assignments publishes enterprises and users on assignments.events.v1 and numbers learns them there."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from textbus.assignments.bootstrap import bootstrap as assignments_service
from textbus.kit.service import running
from textbus.kit.settings import ServiceSettings
from textbus.numbers.bootstrap import bootstrap as numbers_service
from textbus.numbers.config import NumbersSettings


@dataclass(frozen=True)
class Platform:
    numbers: str
    assignments: str


@pytest.fixture
def numbers_limits() -> NumbersSettings:
    """The numbers service's limits; a test module overrides this fixture to lower them."""
    return NumbersSettings()


@pytest.fixture
async def platform(
    settings_for: Callable[[str], ServiceSettings], numbers_limits: NumbersSettings
) -> AsyncIterator[Platform]:
    async with (
        running(numbers_service(settings_for("numbers"), numbers_limits)) as numbers,
        running(assignments_service(settings_for("assignments"))) as assignments,
    ):
        yield Platform(numbers=numbers.url, assignments=assignments.url)
