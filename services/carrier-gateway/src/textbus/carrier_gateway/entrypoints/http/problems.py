"""The problem+json answer to each error the gateway's use cases raise."""

from __future__ import annotations

from textbus.carrier_gateway.service import errors
from textbus.kit.http import Api
from textbus.kit.problems import Forbidden, InvalidRequest, NotFound, Problem, Unavailable


class Unauthorized(Problem):
    status, code, title = 401, "callback-not-authentic", "Not the carrier's callback"


class BadCallback(Problem):
    status, code, title = 400, "callback-malformed", "The callback cannot be read"


ANSWERS: dict[type[errors.GatewayError], tuple[type[Problem], str]] = {
    errors.NotAllowed: (Forbidden, "Not allowed"),
    errors.ProfileNotFound: (NotFound, "No such carrier profile"),
    errors.ProfileInvalid: (InvalidRequest, "The carrier profile is not valid"),
    errors.MessageNotFound: (NotFound, "No such message"),
    errors.SendRefused: (InvalidRequest, "The message cannot be sent"),
    errors.UnknownCallback: (NotFound, "The callback is about no message of this profile"),
    errors.CallbackRefused: (Unauthorized, "Not the carrier's callback"),
    errors.CallbackMalformed: (BadCallback, "The callback cannot be read"),
    errors.CarrierUnreachable: (Unavailable, "The carrier cannot be reached now"),
}


def register_problems(api: Api) -> None:
    for error, (kind, title) in ANSWERS.items():

        def answer(e: errors.GatewayError, kind: type[Problem] = kind, title: str = title) -> Problem:
            return kind(e.detail, code=e.code, title=title)

        api.problem_for(error)(answer)

    @api.problem_for(errors.CredentialsRefused)
    def credentials_refused(error: errors.CredentialsRefused) -> Problem:
        return InvalidRequest(
            error.detail,
            code=error.code,
            title="The carrier refused the credentials",
            carrier_code=error.carrier_code,
        )
