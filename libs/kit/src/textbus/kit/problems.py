"""Errors that become RFC 9457 problem+json answers, and the one mapping from error to answer."""

from __future__ import annotations

from typing import Any


class Problem(Exception):
    """A request that cannot be served, with what a client needs to fix it."""

    status: int = 400
    code: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    @classmethod
    def for_status(cls, status: int, title: str, detail: str) -> Problem:
        """A problem for an HTTP status that no subclass names (the router's 404s and 405s)."""
        problem = cls(detail)
        problem.status, problem.title, problem.code = status, title, title.lower().replace(" ", "-")
        return problem

    def to_json(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://textbus.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            **self.extensions,
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
