"""The problem+json answer to each error the use cases raise: status, stable code, title, extensions."""

from __future__ import annotations

from dataclasses import dataclass

from textbus.assignments.service import errors
from textbus.kit import problems
from textbus.kit.http import Api
from textbus.kit.problems import Conflict, InvalidRequest, NotFound, Problem


@dataclass(frozen=True)
class Answer:
    kind: type[Problem]
    code: str
    title: str
    extensions: tuple[str, ...] = ()
    """The error's fields a client needs to fix the request, answered under the same names."""

    def __call__(self, error: Exception) -> Problem:
        fields = {name: getattr(error, name) for name in self.extensions}
        return self.kind(str(error), code=self.code, title=self.title, **fields)


ANSWERS: dict[type[Exception], Answer] = {
    errors.EnterpriseExists: Answer(Conflict, "enterprise-exists", "The enterprise exists already"),
    errors.UserNotFound: Answer(NotFound, "user-not-found", "No such user"),
    errors.GroupNotFound: Answer(NotFound, "group-not-found", "No such SMS group"),
    errors.GroupNameTaken: Answer(Conflict, "group-name-taken", "The group name is used already", ("name",)),
    errors.UnknownUsers: Answer(InvalidRequest, "unknown-users", "Unknown users", ("user_ids",)),
    errors.DisabledUsers: Answer(InvalidRequest, "disabled-users", "Disabled users", ("user_ids",)),
    errors.ForeignNumbers: Answer(
        InvalidRequest, "foreign-numbers", "Numbers of another tenant", ("numbers",)
    ),
    errors.GroupRuleViolated: Answer(InvalidRequest, "group-rule", "The change breaks a group rule"),
    errors.NumberNotHeld: Answer(NotFound, "number-not-held", "The user does not have this number"),
    errors.TaskNotFound: Answer(NotFound, "sync-task-not-found", "No such sync task"),
    # Not "status": that member is the answer's HTTP status.
    errors.TaskNotOpen: Answer(Conflict, "sync-task-not-open", "The sync task is not open", ("task_status",)),
    errors.ConcurrentChange: Answer(Conflict, "concurrent-change", "Changed by someone else meanwhile"),
}


def register_problems(api: Api) -> None:
    for error, answer in ANSWERS.items():
        api.problem_for(error)(answer)

    @api.problem_for(errors.EnterpriseNotFound)
    def enterprise_not_found(error: errors.EnterpriseNotFound) -> Problem:
        return problems.EnterpriseNotFound(error.enterprise_id)
