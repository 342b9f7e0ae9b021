"""What the numbers REST API accepts: strict request models and the bulk selection's three modes."""

import pytest
from pydantic import ValidationError

from textbus.kit.problems import InvalidRequest
from textbus.numbers.entrypoints.http import (
    BulkChange,
    ImportQuery,
    NewNumber,
    Selected,
    import_carrier_profile,
)
from textbus.numbers.service.queries import NumberFilter, NumberQuery

pytestmark = pytest.mark.unit


def refusal(model: type[Selected] | type[NewNumber], body: str) -> list[tuple[str, ...]]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate_json(body, strict=True)
    return [tuple(str(p) for p in e["loc"]) for e in refused.value.errors()]


def test_a_misspelled_filter_key_is_refused_naming_it() -> None:
    assert refusal(Selected, '{"filter": {"nubmer": "4155550150"}}') == [("filter", "nubmer")]


def test_an_empty_filter_is_refused_and_every_number_must_be_said() -> None:
    assert refusal(Selected, '{"filter": {}}') == [("filter",)]
    assert refusal(Selected, '{"filter": {"q": "", "services": []}}') == [("filter",)]
    assert Selected.model_validate_json('{"every_number": true}', strict=True).chosen() == NumberFilter()


@pytest.mark.parametrize(
    "body",
    [
        "{}",
        '{"every_number": false}',
        '{"numbers": [], "every_number": true}',
        '{"numbers": [], "filter": {"q": "a"}}',
    ],
)
def test_exactly_one_selection_is_given(body: str) -> None:
    assert refusal(Selected, body) == [()]


def test_a_filter_selects_by_its_criteria() -> None:
    chosen = Selected.model_validate_json('{"filter": {"services": ["unassigned"]}}', strict=True).chosen()
    assert isinstance(chosen, NumberFilter) and not chosen.is_empty


def test_a_bulk_change_takes_a_selection_and_a_change() -> None:
    change = BulkChange.model_validate_json('{"every_number": true, "sms_capable": true}', strict=True)
    assert change.every_number and change.sms_capable


def test_zero_is_not_false() -> None:
    body = '{"country_code": 1, "national_number": "4155550100", "sms_capable": 0}'
    assert refusal(NewNumber, body) == [("sms_capable",)]


def test_a_page_cannot_skip_past_what_a_database_can() -> None:
    with pytest.raises(ValidationError):
        NumberQuery.model_validate({"skip": str(2**63)})
    with pytest.raises(ValidationError):
        NumberQuery.model_validate({"search": "ann"})


def test_theimport_carrier_profile_comes_from_the_form_or_the_query_once() -> None:
    assert import_carrier_profile(ImportQuery(carrier_profile_id="p1"), {}) == "p1"
    assert import_carrier_profile(ImportQuery(), {"carrier_profile_id": "p2"}) == "p2"
    assert import_carrier_profile(ImportQuery(), {}) is None
    with pytest.raises(InvalidRequest):
        import_carrier_profile(ImportQuery(carrier_profile_id="p1"), {"carrier_profile_id": "p2"})


def test_an_unknown_form_field_is_refused_naming_it() -> None:
    with pytest.raises(InvalidRequest) as refused:
        import_carrier_profile(ImportQuery(), {"carrier_profile": "p1"})
    assert refused.value.extensions["errors"] == [
        {"location": "form.carrier_profile", "message": "Unknown form field"}
    ]
