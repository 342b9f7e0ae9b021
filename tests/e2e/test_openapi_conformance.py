"""Each service against its own OpenAPI document, with schemathesis: no 5xx, no answer its document does
not describe (status, media type, headers, body schema).

The services run in-process over real Kafka and the real database; schemathesis runs as its CLI in a
subprocess so that the services keep serving from this event loop. An enterprise with a user, a group
and a number is made first, and the path parameters are fixed to them, so that routes reach their
handlers rather than stopping at "no such enterprise" or "no such user".
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import schemathesis

from tests.e2e.conftest import Platform
from tests.support import eventually, run_bounded
from textbus.kit.auth import Role, mint
from textbus.kit.settings import AuthSettings
from textbus.numbers.config import NumbersSettings

pytestmark = pytest.mark.e2e

TENANT = "conformance"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
# Seconds: one request (a single-number change waits for its command's outcome), the time budget of
# a seeded run (schemathesis stops generating then: coverage is cut short on a busy machine rather
# than failing), and the longest any run may take before it is stopped and fails.
REQUEST_TIMEOUT = 20
BUDGET = 60
RUN_TIMEOUT = 150
EVERY_PHASE = "--phases=examples,coverage,fuzzing"
# Runs side by side, each a process: schemathesis's own workers are threads, and two threads in
# hypothesis's ast.parse crash CPython 3.11.7 ("AST constructor recursion depth mismatch").
RUNS = {
    # What the seeding made, every phase that needs no links between operations; reads and writes apart.
    "reads": ("seeded", "--include-method=GET", EVERY_PHASE, "--max-examples=8", f"--max-time={BUDGET}"),
    "writes": ("seeded", "--exclude-method=GET", EVERY_PHASE, "--max-examples=8", f"--max-time={BUDGET}"),
    # A few cases with any tenant, valid or not: refused before any handler (404, 422), never a 500.
    "tenants": ("any", "--include-path-regex=/tenants/", "--phases=fuzzing", "--max-examples=3"),
}


@pytest.fixture
def numbers_limits() -> NumbersSettings:
    # Generated ranges and imports stay small, so their jobs do not outlive the run.
    return NumbersSettings(max_range_size=20, max_import_rows=20, max_import_bytes=4096)


def write_configs(directory: Path, token: str, seeded: dict[str, str]) -> dict[str, Path]:
    """schemathesis.toml files with what the CLI has no option for: a provider token and, for the
    seeded runs, the path parameters of what the seeding made."""
    auth = f'[auth.openapi.bearer]\nbearer = "{token}"\n'
    fixed = "".join(f'"path.{name}" = "{value}"\n' for name, value in seeded.items())
    configs = {"any": directory / "any.toml", "seeded": directory / "seeded.toml"}
    configs["any"].write_text(auth)
    configs["seeded"].write_text(f"{auth}\n[parameters]\n{fixed}")
    return configs


async def document(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with http.get(f"{url}/openapi.json") as answer:
        assert answer.status == 200
        return await answer.json()  # type: ignore[no-any-return]


async def seed(http: aiohttp.ClientSession, platform: Platform) -> dict[str, str]:
    """An enterprise known to both services, with a user, a group and the user's number, made as a
    provider would: the path parameters that name them, so that routes reach their handlers."""

    async def call(method: str, url: str, body: Any = None) -> Any:
        async with http.request(method, url, json=body) as answer:
            assert answer.status < 300, (method, url, answer.status, await answer.text())
            return await answer.json()

    tenant = f"{platform.assignments}/v1/tenants/{TENANT}"
    await call(
        "POST",
        f"{platform.assignments}/v1/enterprises",
        {"enterprise_id": TENANT, "name": "Conformance", "settings": {"manages_own_numbers": True}},
    )

    async def numbers_knows_it() -> bool:
        async with http.get(f"{platform.numbers}/v1/tenants/{TENANT}/numbers") as answer:
            return answer.status == 200

    await eventually(numbers_knows_it, timeout=60)
    await call(
        "POST",
        f"{platform.numbers}/v1/tenants/{TENANT}/numbers",
        {"country_code": 1, "national_number": "4155550100", "sms_capable": True},
    )
    await call("PUT", f"{tenant}/users/ann", {"display_name": "Ann Lee", "sign_in_name": "ann@example.test"})
    group = await call("POST", f"{tenant}/groups", {"name": "Front desk", "owner_user_id": "ann"})
    await call("PUT", f"{tenant}/users/ann/numbers/+14155550100")

    gateway = f"{platform.carrier_gateway}/v1/tenants/{TENANT}"

    async def gateway_knows_it() -> bool:
        async with http.get(f"{gateway}/carrier-profiles") as answer:
            return answer.status == 200

    await eventually(gateway_knows_it, timeout=60)
    profile = await call("POST", f"{gateway}/carrier-profiles", {"name": "Sandbox", "carrier": "sandbox"})
    text = {
        "message_id": "conformance-1",
        "from_number": "+14155550100",
        "to": ["+14155550199"],
        "text": "Hello",
        "sender": {"kind": "user", "id": "ann"},
    }

    async def answered(method: str, url: str, body: Any) -> bool:
        async with http.request(method, url, json=body) as answer:
            return answer.status < 300

    # The number's profile reaches the numbers service, then the gateway, by events.
    change = {"carrier_profile_id": profile["profile_id"]}
    await eventually(
        lambda: answered("PATCH", f"{platform.numbers}/v1/tenants/{TENANT}/numbers/+14155550100", change)
    )
    await eventually(lambda: answered("POST", f"{gateway}/messages/plan", text))
    await call("POST", f"{gateway}/messages", text)
    return {
        "tenant": TENANT,
        "user_id": "ann",
        "group_id": group["group_id"],
        "number": "+14155550100",
        "profile_id": profile["profile_id"],
        "message_id": "conformance-1",
        "secret": profile["webhook_url"].rsplit("/", 1)[1],
    }


async def run_schemathesis(config: Path, url: str, *options: str) -> tuple[int | None, str]:
    return await run_bounded(
        str(Path(sys.executable).with_name("st")),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{url}/openapi.json",
        *options,
        f"--checks={','.join(CHECKS)}",
        f"--request-timeout={REQUEST_TIMEOUT}",
        "--generation-database=none",
        timeout=RUN_TIMEOUT,
        # Its own state (.schemathesis/) stays out of the checkout.
        cwd=config.parent,
        # Unbuffered, so that a run stopped for time still shows how far it got.
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


async def test_every_service_answers_as_its_openapi_document_says(platform: Platform, tmp_path: Path) -> None:
    token = mint(AuthSettings(), subject="provider-ops", tenant="provider", role=Role.PROVIDER)
    services = {
        "numbers": platform.numbers,
        "assignments": platform.assignments,
        "carrier-gateway": platform.carrier_gateway,
    }
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        for url in services.values():
            raw = await document(http, url)
            assert raw["openapi"].startswith("3.1")
            # Raises on a document that is not valid OpenAPI 3.1.
            schemathesis.openapi.from_dict(raw).validate()
        configs = write_configs(tmp_path, token, await seed(http, platform))

    runs = [(service, run) for service in services for run in RUNS]
    results = await asyncio.gather(
        *(run_schemathesis(configs[RUNS[run][0]], services[service], *RUNS[run][1:]) for service, run in runs)
    )
    failures = [
        f"--- {service}, {run}: {'exit ' + str(code) if code is not None else 'out of time'} ---\n{output}"
        for (service, run), (code, output) in zip(runs, results, strict=True)
        if code != 0
    ]
    assert not failures, "\n".join(failures)
