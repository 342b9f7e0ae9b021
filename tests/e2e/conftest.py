"""The numbers, assignments and carrier-gateway services in-process on one isolation prefix, as ``./dev run``
pairs them: each learns the others' enterprises, users, numbers and carrier profiles from their events."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.support import eventually
from textbus.assignments.bootstrap import bootstrap as assignments_service
from textbus.carrier_gateway.bootstrap import bootstrap as carrier_gateway_service
from textbus.carrier_gateway.config import GatewaySettings
from textbus.devinfra.processes import free_port
from textbus.kit.service import running
from textbus.kit.settings import HttpSettings, ServiceSettings
from textbus.numbers.bootstrap import bootstrap as numbers_service
from textbus.numbers.config import NumbersSettings


@dataclass(frozen=True)
class Platform:
    numbers: str
    assignments: str
    carrier_gateway: str


@pytest.fixture
def numbers_limits() -> NumbersSettings:
    """The numbers service's limits; a test module overrides this fixture to lower them."""
    return NumbersSettings()


@pytest.fixture
async def platform(
    settings_for: Callable[[str], ServiceSettings], numbers_limits: NumbersSettings
) -> AsyncIterator[Platform]:
    port = free_port()
    gateway_settings = settings_for("carrier-gateway").model_copy(
        update={"http": HttpSettings(host="127.0.0.1", port=port)}
    )
    gateway = GatewaySettings(
        credential_keys=SecretStr(Fernet.generate_key().decode()),
        public_url=f"http://127.0.0.1:{port}",
        sandbox_delivery_seconds=0.1,
    )
    async with (
        running(numbers_service(settings_for("numbers"), numbers_limits)) as numbers,
        running(assignments_service(settings_for("assignments"))) as assignments,
        running(carrier_gateway_service(gateway_settings, gateway=gateway)) as carrier_gateway,
    ):
        yield Platform(numbers=numbers.url, assignments=assignments.url, carrier_gateway=carrier_gateway.url)


class Launcher(Protocol):
    def __call__(self, service: str, **settings: str) -> AbstractAsyncContextManager[str]: ...


@pytest.fixture
def launch(service_env: dict[str, str]) -> Launcher:
    """``async with launch("numbers") as url``: the service as a process, ready, then stopped.
    Keyword arguments are environment settings for that process (``TEXTBUS_NUMBERS_TIER_LIMIT="3"``);
    two launches of one service are two replicas in one consumer group."""

    @asynccontextmanager
    async def start(service: str, **settings: str) -> AsyncIterator[str]:
        port = free_port()
        env = {**service_env, **settings, f"TEXTBUS_{service.upper().replace('-', '_')}_PORT": str(port)}
        process = subprocess.Popen(
            [sys.executable, "-m", f"textbus.{service.replace('-', '_')}"], env=env, stdin=subprocess.DEVNULL
        )
        url = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as http:

                async def ready() -> bool:
                    assert process.poll() is None, f"{service} exited with {process.returncode}"
                    try:
                        async with http.get(f"{url}/readyz") as answer:
                            return answer.status == 200
                    except aiohttp.ClientConnectionError:
                        return False

                await eventually(ready, timeout=90)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            exit_code = await asyncio.to_thread(process.wait, 30)
        assert exit_code == 0, f"{service} did not stop cleanly on SIGTERM ({exit_code})"

    return start
