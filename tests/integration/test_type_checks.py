"""The type check of ./dev test sees across packages: a wrong argument passed from one package to
another's code fails it."""

import asyncio
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


async def mypy(code: str) -> tuple[int, str]:
    check = await asyncio.create_subprocess_exec(
        str(ROOT / ".venv/bin/mypy"),
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "-c",
        code,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await check.communicate()
    return check.returncode or 0, output.decode()


async def test_a_wrong_argument_to_another_packages_code_fails_the_type_check() -> None:
    # The other arguments are wrong too; what matters is that the tier limit's type is seen.
    planted = (
        "from textbus.numbers.service.commands import CommandHandler\n"
        "CommandHandler(numbers=None, facts=None, outcomes=None, tier_limit='four hundred',"
        " clock=None)\n"
    )
    status, output = await mypy(planted)
    assert status == 1, output
    assert 'Argument "tier_limit" to "CommandHandler" has incompatible type "str"; expected "int"' in output


async def test_the_same_code_with_the_right_types_passes() -> None:
    status, output = await mypy(
        "from textbus.numbers.config import NumbersSettings\nNumbersSettings(tier_limit=400)\n"
    )
    assert status == 0, output
