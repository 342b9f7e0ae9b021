"""Each use-case error is answered with its problem: the status, code, title and extensions clients
rely on, whatever layer raised it."""

import inspect
from typing import Any

import pytest

from tests.unit.assignments.fakes import FakeCompletions, FakeEnterprises, FakeSyncTasks, keeper_ports
from textbus.assignments.entrypoints.http import register_routes
from textbus.assignments.service import errors
from textbus.kit.bus import MessageBus
from textbus.kit.http import Api

pytestmark = pytest.mark.unit

ANSWERS: list[tuple[Exception, dict[str, Any]]] = [
    (errors.EnterpriseNotFound("acme"), {"status": 404, "code": "enterprise-not-found"}),
    (errors.EnterpriseExists("acme"), {"status": 409, "code": "enterprise-exists"}),
    (errors.UserNotFound("acme", "ann"), {"status": 404, "code": "user-not-found", "title": "No such user"}),
    (errors.GroupNotFound("acme", "g1"), {"status": 404, "code": "group-not-found"}),
    (errors.GroupNameTaken("Sales"), {"status": 409, "code": "group-name-taken", "name": "Sales"}),
    (
        errors.UnknownUsers({"zed", "amy"}),
        {"status": 422, "code": "unknown-users", "user_ids": ["amy", "zed"]},
    ),
    (errors.DisabledUsers({"bob"}), {"status": 422, "code": "disabled-users", "user_ids": ["bob"]}),
    (errors.ForeignNumbers({"+14155550100"}), {"status": 422, "numbers": ["+14155550100"]}),
    (errors.GroupRuleViolated("name: must not be blank"), {"status": 422, "code": "group-rule"}),
    (errors.NumberNotHeld("ann", "+14155550100"), {"status": 404, "code": "number-not-held"}),
    (errors.TaskNotFound("sync-sms-app-9"), {"status": 404, "code": "sync-task-not-found"}),
    (
        errors.TaskNotOpen("sync-sms-app-1", "completed"),
        {"status": 409, "code": "sync-task-not-open", "task_status": "completed"},
    ),
    (errors.ConcurrentChange("SMS group 'g1'"), {"status": 409, "code": "concurrent-change"}),
]


@pytest.fixture
def api() -> Api:
    api = Api(title="textbus assignments")
    register_routes(api, keeper_ports(FakeEnterprises(), FakeSyncTasks(), FakeCompletions()), MessageBus())
    return api


@pytest.mark.parametrize(("error", "expected"), ANSWERS, ids=lambda v: type(v).__name__)
def test_a_use_case_error_is_answered_with_its_problem(
    api: Api, error: Exception, expected: dict[str, Any]
) -> None:
    answer = api.problems[type(error)](error).to_json()

    assert {k: answer[k] for k in expected} == expected
    assert answer["type"] == "https://textbus.dev/problems/" + answer["code"]
    assert str(error) in answer["detail"]


def test_every_use_case_error_has_its_answer_and_keeps_its_title(api: Api) -> None:
    declared = {c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)}
    titles = {type(e).__name__: api.problems[type(e)](e).title for e, _ in ANSWERS}

    assert declared == {type(e) for e, _ in ANSWERS} == set(api.problems)
    assert titles["TaskNotOpen"] == "The sync task is not open"
    assert titles["ForeignNumbers"] == "Numbers of another tenant"
    assert len(set(titles.values())) == len(titles)
