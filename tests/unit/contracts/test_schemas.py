import pytest

from textbus.contracts.schemas import current_schemas, incompatibilities, load_snapshot

pytestmark = pytest.mark.unit

RELEASED = {
    "type": "object",
    "properties": {"number": {"type": "string"}, "count": {"type": "integer"}},
    "required": ["number"],
}


def with_changes(**changes: object) -> dict[str, object]:
    return {**RELEASED, **changes}


@pytest.mark.parametrize("type_name", sorted(current_schemas()))
def test_every_released_model_has_a_snapshot_and_stays_compatible(type_name: str) -> None:
    released = load_snapshot(type_name)
    assert released is not None, (
        f"{type_name} has no JSON Schema snapshot: run python -m textbus.contracts.schemas"
    )
    assert incompatibilities(released, current_schemas()[type_name]) == []


def test_a_new_optional_field_is_compatible() -> None:
    current = with_changes(properties={**RELEASED["properties"], "note": {"type": "string"}})  # type: ignore[dict-item]
    assert incompatibilities(RELEASED, current) == []


def test_a_removed_field_is_incompatible() -> None:
    current = with_changes(properties={"number": {"type": "string"}})
    assert incompatibilities(RELEASED, current) == ["count: field removed"]


def test_a_changed_type_is_incompatible() -> None:
    current = with_changes(properties={"number": {"type": "integer"}, "count": {"type": "integer"}})
    assert incompatibilities(RELEASED, current) == ["number: type changed"]


def test_a_new_required_field_is_incompatible() -> None:
    current = with_changes(
        properties={**RELEASED["properties"], "note": {"type": "string"}},  # type: ignore[dict-item]
        required=["number", "note"],
    )
    assert incompatibilities(RELEASED, current) == ["note: new required field"]


def test_making_an_optional_field_required_is_incompatible() -> None:
    assert incompatibilities(RELEASED, with_changes(required=["number", "count"])) == ["count: made required"]


def test_changing_only_a_description_is_compatible() -> None:
    current = with_changes(
        properties={"number": {"type": "string", "description": "E.164"}, "count": {"type": "integer"}}
    )
    assert incompatibilities(RELEASED, current) == []
