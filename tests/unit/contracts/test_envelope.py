import json
import re
from uuid import uuid4

import pytest
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import ValidationError

from textbus.contracts import Envelope, UnknownPayload
from textbus.contracts.common import Assignee
from textbus.contracts.numbers.v1 import AssignNumber

pytestmark = pytest.mark.unit


def assign(number: str = "+14155550100") -> AssignNumber:
    return AssignNumber(number=number, requested_by="admin", assignee=Assignee(kind="user", id="u1"))


def test_an_envelope_round_trips_with_its_typed_payload() -> None:
    envelope = Envelope.wrap(assign(), source="assignments", subject="+14155550100", tenant="acme")

    decoded = Envelope.model_validate_json(envelope.to_json())

    assert decoded == envelope
    assert isinstance(decoded.data, AssignNumber)
    assert decoded.type == "textbus.numbers.AssignNumber.v1"


def test_consumers_ignore_fields_they_do_not_know() -> None:
    raw = json.loads(Envelope.wrap(assign(), source="s", subject="+14155550100", tenant="acme").to_json())
    raw["newer_attribute"] = 1
    raw["data"]["newer_field"] = "x"

    decoded = Envelope.model_validate(raw)

    assert isinstance(decoded.data, AssignNumber)
    assert decoded.data.assignee.id == "u1"


def test_a_type_this_consumer_does_not_know_is_kept_as_unknown() -> None:
    decoded = Envelope.model_validate(
        {
            "id": str(uuid4()),
            "type": "textbus.future.Thing.v1",
            "source": "s",
            "time": "2026-11-22T10:00:00Z",
            "subject": "k",
            "tenant": "acme",
            "data": {"a": 1},
        }
    )

    assert isinstance(decoded.data, UnknownPayload)


def test_producers_cannot_build_a_payload_with_an_invalid_number() -> None:
    with pytest.raises(ValidationError):
        assign(number="4155550100")


def test_a_known_type_with_a_bad_payload_is_refused() -> None:
    with pytest.raises(ValidationError):
        Envelope.model_validate(
            {
                "type": "textbus.numbers.AssignNumber.v1",
                "source": "s",
                "subject": "k",
                "tenant": "acme",
                "data": {"number": "+14155550100"},
            }
        )


def test_an_envelope_needs_a_tenant() -> None:
    with pytest.raises(ValidationError):
        Envelope.wrap(assign(), source="s", subject="+14155550100", tenant="")


def test_an_envelope_is_a_cloudevent_with_the_specs_attribute_names() -> None:
    envelope = Envelope.wrap(
        assign(), source="numbers", subject="+14155550100", tenant="acme", correlation_id="c-1"
    )
    raw = json.loads(envelope.to_json())

    assert all(re.fullmatch(r"[a-z0-9]+", name) for name in raw)
    assert raw["datacontenttype"] == "application/json"
    event = JSONFormat().read(None, envelope.to_json())
    assert (event.get_type(), event.get_subject()) == ("textbus.numbers.AssignNumber.v1", "+14155550100")
    assert (event.get_extension("tenant"), event.get_extension("correlationid")) == ("acme", "c-1")


def test_an_unset_correlation_id_is_left_out_of_the_event() -> None:
    envelope = Envelope.wrap(assign(), source="numbers", subject="+14155550100", tenant="acme")
    assert "correlationid" not in json.loads(envelope.to_json())
    assert JSONFormat().read(None, envelope.to_json()).get_extension("correlationid") is None


def test_a_record_of_the_first_envelope_still_decodes() -> None:
    first = {
        "specversion": "1.0",
        "id": str(uuid4()),
        "type": "textbus.numbers.AssignNumber.v1",
        "source": "assignments",
        "time": "2026-11-22T10:00:00Z",
        "subject": "+14155550100",
        "tenant": "acme",
        "correlation_id": "c-9",
        "data": assign().model_dump(mode="json"),
    }
    decoded = Envelope.model_validate_json(json.dumps(first))
    assert decoded.correlation_id == "c-9"
    assert isinstance(decoded.data, AssignNumber)


def test_an_event_written_by_the_cloudevents_sdk_decodes() -> None:
    event = CloudEvent(
        attributes={
            "id": str(uuid4()),
            "type": "textbus.numbers.AssignNumber.v1",
            "source": "crm",
            "subject": "+14155550100",
            "tenant": "acme",
            "correlationid": "c-2",
            "datacontenttype": "application/json",
        },
        data=assign().model_dump(mode="json"),
    )
    decoded = Envelope.model_validate_json(JSONFormat().write(event))
    assert (decoded.tenant, decoded.correlation_id, decoded.data) == ("acme", "c-2", assign())
