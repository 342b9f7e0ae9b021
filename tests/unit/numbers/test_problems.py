"""How the numbers API answers each refusal of its use cases: status, stable code, extensions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from textbus.kit.http import Api
from textbus.numbers.entrypoints.http.problems import register_problems
from textbus.numbers.service.errors import (
    AssignedSelected,
    NotAppliedInTime,
    NotInInventory,
    NotManager,
    NumberRefused,
    NumbersError,
    TooManySelected,
    UnknownCarrierProfile,
)

pytestmark = pytest.mark.unit

N = "+14155550100"
COMMAND = UUID("00000000-0000-4000-8000-000000000001")


def answer(error: NumbersError) -> dict[str, Any]:
    api = Api(title="numbers")
    register_problems(api)
    return api.problems[type(error)](error).to_json()


def test_a_refused_command_is_404_for_a_missing_number_422_for_a_wrong_request_409_otherwise() -> None:
    refused = {
        code: answer(NumberRefused(code, "why", N))
        for code in ("not-found", "assignee-unknown", "carrier-profile-unknown", "already-assigned")
    }

    assert {code: (a["status"], a["code"], a["number"]) for code, a in refused.items()} == {
        "not-found": (404, "not-found", N),
        "assignee-unknown": (422, "assignee-unknown", N),
        "carrier-profile-unknown": (422, "carrier-profile-unknown", N),
        "already-assigned": (409, "already-assigned", N),
    }


def test_each_refusal_of_a_request_answers_with_its_status_code_and_what_to_fix() -> None:
    answers = [
        answer(NotManager()),
        answer(UnknownCarrierProfile("p-x")),
        answer(NotInInventory([N])),
        answer(TooManySelected(7, 5)),
        answer(AssignedSelected([N])),
        answer(NotAppliedInTime(COMMAND)),
    ]

    assert [(a["status"], a["code"]) for a in answers] == [
        (403, "forbidden"),
        (422, "invalid-request"),
        (404, "not-found"),
        (422, "invalid-request"),
        (409, "number-assigned"),
        (503, "unavailable"),
    ]
    assert answers[1]["carrier_profile_id"] == "p-x"
    assert answers[2]["numbers"] == answers[4]["numbers"] == [N]
    assert answers[5]["command_id"] == str(COMMAND)
