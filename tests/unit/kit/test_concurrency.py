"""all_settled waits for every write before it raises, and raises the error as it was."""

import asyncio

import pytest

from textbus.kit.concurrency import all_settled

pytestmark = pytest.mark.unit


async def test_the_first_error_is_raised_only_once_every_write_has_finished() -> None:
    finished: list[str] = []

    async def fails() -> str:
        raise ConnectionError("database unreachable")

    async def slow() -> str:
        await asyncio.sleep(0.05)
        finished.append("slow")
        return "slow"

    with pytest.raises(ConnectionError, match="database unreachable"):
        await all_settled(fails(), slow())
    assert finished == ["slow"]


async def test_results_come_in_order() -> None:
    async def value(n: int) -> int:
        await asyncio.sleep(0.01 * (3 - n))
        return n

    assert await all_settled(value(1), value(2), value(3)) == [1, 2, 3]
