"""The answer to each refusal of the numbers use cases: status, stable code and extensions."""

from __future__ import annotations

from textbus.kit.http import Api
from textbus.kit.problems import Conflict, Forbidden, InvalidRequest, NotFound, Problem, Unavailable
from textbus.numbers.domain.csv_import import MalformedFile
from textbus.numbers.domain.phone import InvalidNumber
from textbus.numbers.service.errors import (
    AssignedSelected,
    NotAppliedInTime,
    NotInInventory,
    NotManager,
    NumberRefused,
    TooManySelected,
    UnknownCarrierProfile,
)

# Rejection codes that mean the request itself is wrong (422); the others conflict with the number's
# state (409), but for not-found: another tenant's number looks exactly like a missing one (404).
INVALID_REQUEST_CODES = frozenset({"carrier-profile-unknown", "assignee-unknown", "unknown-command"})


def register_problems(api: Api) -> None:
    # Input the use cases read with the domain's rules: a number or a range, an import file.
    @api.problem_for(InvalidNumber)
    def invalid_number(error: InvalidNumber) -> Problem:
        return InvalidRequest(str(error))

    @api.problem_for(MalformedFile)
    def malformed_file(error: MalformedFile) -> Problem:
        return InvalidRequest(str(error))

    @api.problem_for(NotManager)
    def not_manager(error: NotManager) -> Problem:
        return Forbidden(str(error))

    @api.problem_for(UnknownCarrierProfile)
    def unknown_profile(error: UnknownCarrierProfile) -> Problem:
        return InvalidRequest(str(error), carrier_profile_id=error.profile)

    @api.problem_for(NumberRefused)
    def refused(error: NumberRefused) -> Problem:
        if error.code == "not-found":
            return NotFound(error.detail, code=error.code, number=error.number)
        if error.code in INVALID_REQUEST_CODES:
            return InvalidRequest(error.detail, code=error.code, number=error.number)
        return Conflict(error.detail, code=error.code, number=error.number)

    @api.problem_for(NotInInventory)
    def not_in_inventory(error: NotInInventory) -> Problem:
        return NotFound(str(error), numbers=error.numbers)

    @api.problem_for(TooManySelected)
    def too_many(error: TooManySelected) -> Problem:
        return InvalidRequest(str(error))

    @api.problem_for(AssignedSelected)
    def assigned(error: AssignedSelected) -> Problem:
        return Conflict(str(error), code="number-assigned", numbers=error.numbers)

    @api.problem_for(NotAppliedInTime)
    def not_in_time(error: NotAppliedInTime) -> Problem:
        return Unavailable(str(error), command_id=str(error.command_id))
