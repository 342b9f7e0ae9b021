"""Each service's AsyncAPI 3 document, generated from the topic registry, passes the AsyncAPI
Initiative's own parser (npm @asyncapi/parser, run by deploy/local/asyncapi.sh)."""

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from textbus.assignments.bootstrap import bootstrap as assignments
from textbus.carrier_gateway.bootstrap import bootstrap as carrier_gateway
from textbus.domain_subscriber.bootstrap import bootstrap as domain_subscriber
from textbus.inbound_router.bootstrap import bootstrap as inbound_router
from textbus.kit.service import Service
from textbus.numbers.bootstrap import bootstrap as numbers

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# Typed: the bootstraps' signatures differ past their defaults (some take a clock).
BOOTSTRAPS: dict[str, Callable[[], Service]] = {
    "numbers": numbers,
    "assignments": assignments,
    "carrier-gateway": carrier_gateway,
    "domain-subscriber": domain_subscriber,
    "inbound-router": inbound_router,
}


def documents() -> dict[str, dict[str, Any]]:
    return {name: bootstrap().asyncapi() for name, bootstrap in BOOTSTRAPS.items()}


async def test_every_services_asyncapi_document_passes_the_asyncapi_parser(tmp_path: Path) -> None:
    files = []
    for name, document in documents().items():
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(document))
    check = await asyncio.create_subprocess_exec(
        str(ROOT / "deploy/local/asyncapi.sh"),
        "validate",
        *map(str, files),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await check.communicate()
    assert check.returncode == 0, output.decode()


def operations(document: dict[str, Any], action: str) -> dict[str, set[str]]:
    """Channel -> the message types the document's operations of ``action`` name on it."""
    found: dict[str, set[str]] = {}
    for operation in document["operations"].values():
        if operation["action"] == action:
            channel = operation["channel"]["$ref"].removeprefix("#/channels/")
            found.setdefault(channel, set()).update(
                m["$ref"].rsplit("/", 1)[1] for m in operation["messages"]
            )
    return found


def test_numbers_receives_its_commands_and_sends_its_events() -> None:
    document = documents()["numbers"]
    received, sent = operations(document, "receive"), operations(document, "send")
    assert "textbus.numbers.AddNumber.v1" in received["numbers.commands.v1"]
    assert "textbus.assignments.UserUpserted.v1" in received["assignments.events.v1"]
    assert "textbus.numbers.NumberAdded.v1" in sent["numbers.events.v1"]
    assert "numbers.deadletter.v1" in sent


def test_a_message_carries_the_payloads_real_schema_inside_its_cloudevent() -> None:
    document = documents()["assignments"]
    message = document["components"]["messages"]["textbus.numbers.AssignNumber.v1"]
    assert message["contentType"].startswith("application/cloudevents+json")
    assert message["payload"]["properties"]["data"] == {"$ref": "#/components/schemas/AssignNumber"}
    assert "assignee" in document["components"]["schemas"]["AssignNumber"]["properties"]
    assert "correlationid" in document["components"]["schemas"]["Envelope"]["properties"]
