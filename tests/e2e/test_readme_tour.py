"""The README's five-minute tour, run exactly as written against the numbers, assignments and carrier-gateway
services."""

from __future__ import annotations

import os
import re
from typing import Any

import aiohttp
import pytest

from tests.e2e.conftest import Platform
from tests.support import run_bounded
from textbus.devinfra.processes import repo_root
from textbus.kit.auth import Role, mint
from textbus.kit.settings import AuthSettings

pytestmark = pytest.mark.e2e

TOUR_TIMEOUT = 120


def tour() -> str:
    """The first sh block after the README's "Five-minute tour" heading."""
    readme = (repo_root() / "README.md").read_text()
    section = readme.split("\n## Five-minute tour\n", 1)[1]
    found = re.search(r"^```sh\n(.*?)^```$", section, re.DOTALL | re.MULTILINE)
    assert found, "the tour has no sh block"
    return found.group(1)


async def test_the_readme_tour_runs_as_written(platform: Platform) -> None:
    code, output = await run_bounded(
        "bash",
        "-c",
        "set -euo pipefail\n" + tour(),
        timeout=TOUR_TIMEOUT,
        cwd=repo_root(),
        env={
            **os.environ,
            "NUMBERS": platform.numbers,
            "ASSIGNMENTS": platform.assignments,
            "GATEWAY": platform.carrier_gateway,
        },
    )
    assert code == 0, f"the tour {'exited with ' + str(code) if code is not None else 'timed out'}:\n{output}"

    token = mint(AuthSettings(), subject="check", tenant="acme", role=Role.ENTERPRISE_ADMIN)
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:

        async def get(url: str) -> Any:
            async with http.get(url) as answer:
                assert answer.status == 200, await answer.text()
                return await answer.json()

        page = await get(f"{platform.numbers}/v1/tenants/acme/numbers?limit=50")
        assignees = {n["number"]: n["assignee"] for n in page["items"]}
        group = (await get(f"{platform.assignments}/v1/tenants/acme/groups"))["items"][0]

    assert page["total"] == 11
    assert assignees["+14155550100"] == {"kind": "user", "id": "ann", "name": "Ann Lee"}
    assert assignees["+14155550101"] == {"kind": "group", "id": group["group_id"], "name": "Front desk"}
    assert all(assignees[f"+1415555{n:04d}"] is None for n in range(102, 111))
    # The export's rows, as the tour prints them.
    assert "+14155550100,Ann Lee,user,ann," in output
    assert f"+14155550101,Front desk,group,{group['group_id']}," in output
    # The text, through the sandbox carrier, as its last answer shows it.
    last = output.strip().rsplit("\n", 1)[-1]
    assert '"state":"delivered"' in last.replace(" ", "") and '"carrier":"sandbox"' in last.replace(" ", "")
