"""The assignments API as its OpenAPI document describes it: from the same declarations that validate."""

from typing import Any

import pytest

from tests.unit.assignments.fakes import FakeCompletions, FakeEnterprises, FakeSyncTasks, keeper_ports
from textbus.assignments.entrypoints.http import register_routes
from textbus.kit.bus import MessageBus
from textbus.kit.http import MAX_SKIP, Api

pytestmark = pytest.mark.unit


@pytest.fixture
def document() -> dict[str, Any]:
    api = Api(title="textbus assignments")
    register_routes(api, keeper_ports(FakeEnterprises(), FakeSyncTasks(), FakeCompletions()), MessageBus())
    return api.openapi()


def parameters(document: dict[str, Any], location: str) -> dict[str, dict[str, Any]]:
    return {
        f"{method} {path} {p['name']}": p
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for p in operation["parameters"]
        if p["in"] == location
    }


def test_every_path_parameter_is_described_with_its_form(document: dict[str, Any]) -> None:
    described = parameters(document, "path")

    assert {p["name"] for p in described.values()} == {"tenant", "user_id", "group_id", "task_id", "number"}
    assert all(p["description"] != p["name"] for p in described.values())
    assert {p["schema"].get("pattern") for p in described.values() if p["name"] == "number"} == {
        r"^\+[1-9]\d{1,14}$"
    }


def test_every_list_declares_its_bounded_page(document: dict[str, Any]) -> None:
    skips = {key: p["schema"] for key, p in parameters(document, "query").items() if p["name"] == "skip"}

    assert sorted(skips) == [
        "get /v1/enterprises skip",
        "get /v1/tenants/{tenant}/groups skip",
        "get /v1/tenants/{tenant}/sync-tasks skip",
        "get /v1/tenants/{tenant}/users skip",
    ]
    assert {schema["maximum"] for schema in skips.values()} == {MAX_SKIP}


def test_the_replace_flag_and_group_filters_are_declared_query_parameters(document: dict[str, Any]) -> None:
    query = parameters(document, "query")

    assert "put /v1/tenants/{tenant}/users/{user_id}/numbers/{number} replace" in query
    assert {k.rsplit(" ", 1)[1] for k in query if k.startswith("get /v1/tenants/{tenant}/groups ")} == {
        "q",
        "name",
        "owner",
        "number",
        "member",
        "members_eq",
        "members_gt",
        "members_lt",
        "sort",
        "skip",
        "limit",
    }


def test_every_route_under_a_tenant_documents_its_404_for_an_unknown_enterprise(
    document: dict[str, Any],
) -> None:
    not_found = {
        f"{method} {path}": operation["responses"]["404"]["description"]
        for path, operations in document["paths"].items()
        if path.startswith("/v1/tenants/{tenant}")
        for method, operation in operations.items()
    }

    assert [route for route, text in not_found.items() if "enterprise" not in text] == []
