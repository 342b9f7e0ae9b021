"""What the numbers use cases refuse, in their own terms; the entrypoints choose each one's answer
(entrypoints/http/problems.py), so this layer knows nothing of HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID


class NumbersError(Exception):
    """A request the numbers use cases refuse; ``str()`` says why, for the requester."""


class NotManager(NumbersError):
    """The enterprise's numbers are managed by its provider, and the requester is not the provider."""

    def __init__(self) -> None:
        super().__init__("this enterprise's numbers are managed by its provider")


class UnknownCarrierProfile(NumbersError):
    def __init__(self, profile: str) -> None:
        super().__init__(f"carrier profile {profile!r} does not exist")
        self.profile = profile


class NumberRefused(NumbersError):
    """The command's rules refused it; ``code`` is the rejection's (domain/numbers.py)."""

    def __init__(self, code: str, detail: str, number: str) -> None:
        super().__init__(detail)
        self.code, self.detail, self.number = code, detail, number


class NotInInventory(NumbersError):
    """Some of the numbers a bulk request names are not the tenant's."""

    def __init__(self, numbers: Sequence[str]) -> None:
        super().__init__("some numbers are not in this enterprise's inventory")
        self.numbers = list(numbers)


class TooManySelected(NumbersError):
    def __init__(self, selected: int, limit: int) -> None:
        super().__init__(f"{selected} numbers selected; at most {limit} at once")


class AssignedSelected(NumbersError):
    """A bulk capability change or delete selects assigned numbers."""

    def __init__(self, numbers: Sequence[str]) -> None:
        super().__init__(f"{len(numbers)} of the selected numbers are assigned; unassign them first")
        self.numbers = list(numbers)


class NotAppliedInTime(NumbersError):
    """The command was published but its outcome did not come in time; it will still be applied."""

    def __init__(self, command_id: UUID) -> None:
        super().__init__("the change was accepted but not applied in time; it will still be applied")
        self.command_id = command_id
