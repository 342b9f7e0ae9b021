"""Registration against the tier limit and release after inactivity (seed 004), and the events."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.numbers.conftest import TENANT, NumbersApi
from tests.support import eventually, read_records
from textbus.contracts import Envelope
from textbus.contracts.activity.v1 import NumberActivity
from textbus.contracts.numbers.v1 import NumberAdded, NumberAssigned, NumberCommandRejected
from textbus.numbers.config import NumbersSettings

pytestmark = pytest.mark.e2e


@pytest.fixture
def limits() -> NumbersSettings:
    return NumbersSettings(tier_limit=3, inactivity_sweep_seconds=0.5)


BASE = f"/v1/tenants/{TENANT}"
N1, N2 = "+14155550101", "+14155550102"


async def test_registration_stops_at_the_tier_limit(api: NumbersApi) -> None:
    for i in range(4):
        await api.add(f"415555010{i}")
    for i in range(3):
        status, view = await api.call("POST", f"{BASE}/numbers/+1415555010{i}/registration")
        assert (status, view["registration"]) == (200, "registered")

    status, problem = await api.call("POST", f"{BASE}/numbers/+14155550103/registration")
    assert (status, problem["code"]) == (409, "tier-limit-reached")


async def test_an_idle_number_is_flagged_at_five_months_and_released_at_six(api: NumbersApi) -> None:
    await api.user("u1", "Ann")
    await api.add("4155550101")
    await api.add("4155550102")
    await api.call("PUT", f"{BASE}/numbers/{N1}/assignee", json={"kind": "user", "id": "u1"})
    await api.publish(
        "sms.activity.v1",
        NumberActivity(
            number=N2, direction="inbound", message_id="m1", at=datetime.now(UTC) + timedelta(days=40)
        ),
        N2,
    )
    await eventually(lambda: api.db["number_activity"].find_one({"_id": N2}))

    api.clock.offset = timedelta(days=155)
    _, view = await api.call("GET", f"{BASE}/numbers/{N1}")
    assert view["inactivity"]["flagged"] is True
    _, view = await api.call("GET", f"{BASE}/numbers/{N2}")
    assert view["inactivity"]["flagged"] is False

    api.clock.offset = timedelta(days=190)  # the service's own sweeper runs every half second here

    async def released() -> dict[str, Any] | None:
        _, view = await api.call("GET", f"{BASE}/numbers/{N1}")
        return view if view["lifecycle"] == "released" else None

    view = await eventually(released)
    assert (view["assignee"], view["inactivity"]) == (None, None)
    status, problem = await api.call(
        "PUT", f"{BASE}/numbers/{N1}/assignee", json={"kind": "user", "id": "u1"}
    )
    assert (status, problem["code"]) == (409, "released")
    status, _ = await api.call("DELETE", f"{BASE}/numbers/{N1}")
    assert status == 409


async def test_every_change_and_refusal_is_published_keyed_by_the_number(api: NumbersApi) -> None:
    await api.user("u1", "Ann")
    await api.add("4155550101")
    await api.call("PUT", f"{BASE}/numbers/{N1}/assignee", json={"kind": "user", "id": "u1"})
    await api.call("PUT", f"{BASE}/numbers/{N1}/assignee", json={"kind": "user", "id": "u1x"})

    records = await read_records(
        api.settings.kafka.bootstrap_servers, api.settings.topic_name("numbers.events.v1"), 3
    )
    assert {r.key for r in records} == {N1.encode()}
    events = [
        Envelope.model_validate_json(r.value or b"").data for r in sorted(records, key=lambda r: r.offset)
    ]
    assert [type(e) for e in events] == [NumberAdded, NumberAssigned, NumberCommandRejected]
    assert events[1].state.assignee.id == "u1"  # type: ignore[attr-defined]
    assert events[2].code == "already-assigned"  # type: ignore[attr-defined]
