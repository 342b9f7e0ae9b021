"""The gateway's refusals, raised by its use cases and answered by entrypoints/http/problems.py."""

from __future__ import annotations


class GatewayError(Exception):
    code = "gateway-error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotAllowed(GatewayError):
    code = "not-allowed"


class ProfileNotFound(GatewayError):
    code = "carrier-profile-not-found"


class ProfileInvalid(GatewayError):
    code = "carrier-profile-invalid"


class CredentialsRefused(GatewayError):
    """The carrier refused the profile's credentials (or could not be asked); ``carrier_code`` is its."""

    code = "credentials-refused"

    def __init__(self, detail: str, carrier_code: str | None = None) -> None:
        super().__init__(detail)
        self.carrier_code = carrier_code


class CarrierUnreachable(GatewayError):
    code = "carrier-unreachable"


class MessageNotFound(GatewayError):
    code = "message-not-found"


class SendRefused(GatewayError):
    """The plan refused the message; ``code`` is the refusal's stable code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class UnknownCallback(GatewayError):
    """A callback about a message this profile never sent."""

    code = "message-unknown"


class CallbackRefused(GatewayError):
    """A callback that is not the carrier's (no or a wrong signature, stale, replayed)."""

    code = "callback-not-authentic"


class CallbackMalformed(GatewayError):
    code = "callback-malformed"
