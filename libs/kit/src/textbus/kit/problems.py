"""Errors that become RFC 9457 problem+json answers, and the one shape every service answers with.

Every problem has the members ``type`` (a URI naming its ``code``), ``title``,
``status``, ``detail``, ``code`` and, on an answer, ``instance``. Extensions add
what a client needs to fix the request (``numbers``, ``errors``...); they can
never take one of those names, so no extension can change an answer's status.
"""

from __future__ import annotations

from typing import Any

PROBLEM_BASE_URI = "https://textbus.dev/problems/"
MEMBERS = frozenset({"type", "title", "status", "detail", "code", "instance"})


class Problem(Exception):
    """A request that cannot be served, with what a client needs to fix it."""

    status: int = 400
    code: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self, detail: str, *, code: str | None = None, title: str | None = None, **extensions: Any
    ) -> None:
        taken = MEMBERS & extensions.keys()
        if taken:
            raise TypeError(f"problem extensions may not use the members {sorted(taken)}")
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        if title is not None:
            self.title = title
        self.extensions = extensions

    @classmethod
    def for_status(cls, status: int, title: str, detail: str) -> Problem:
        """A problem for an HTTP status that no subclass names (the router's 404s and 405s)."""
        problem = cls(detail, code=title.lower().replace(" ", "-"), title=title)
        problem.status = status
        return problem

    def to_json(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            **self.extensions,
            "type": PROBLEM_BASE_URI + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            body["instance"] = instance
        return body


class InvalidRequest(Problem):
    status, code, title = 422, "invalid-request", "The request is not valid"


class Unauthenticated(Problem):
    status, code, title = 401, "unauthenticated", "Authentication required"


class Forbidden(Problem):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    status, code, title = 404, "not-found", "Not found"


class EnterpriseNotFound(NotFound):
    code, title = "enterprise-not-found", "No such enterprise"

    def __init__(self, enterprise_id: str) -> None:
        super().__init__(
            f"there is no enterprise {enterprise_id!r}; the provider creates it first "
            "(POST /v1/enterprises on the assignments service)"
        )


class Conflict(Problem):
    status, code, title = 409, "conflict", "Conflict with the current state"


class PayloadTooLarge(Problem):
    status, code, title = 413, "payload-too-large", "Too large"


class UnsupportedMediaType(Problem):
    status, code, title = 415, "unsupported-media-type", "Unsupported media type"


class Unavailable(Problem):
    status, code, title = 503, "unavailable", "Temporarily unavailable"


class InternalError(Problem):
    status, code, title = 500, "internal-error", "Internal error"
