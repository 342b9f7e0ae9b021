"""The message bus: how an entrypoint reaches a use case (after cosmicpython's messagebus).

The bootstrap registers each use case under the type of message that asks
for it; a Kafka handler or an HTTP route builds that message, or passes the
envelope it received, and calls ``handle``. A command has exactly one handler,
whose result ``handle`` returns; an event has any number. Errors propagate:
the consumers' retry and dead-letter policy and the API's problem mapping
already decide what a failure means.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar, overload

from textbus.contracts import Envelope

R = TypeVar("R")
Handler = Callable[[Any], Awaitable[Any]]


class Command(Generic[R]):
    """The base of a use case's request: one handler answers it with an ``R``."""


class UnhandledMessage(LookupError):
    """No handler is registered for the message: a bootstrap that forgot to wire a use case."""


class MessageBus:
    """A handler table keyed by message type. A message is keyed by its class, an ``Envelope`` by
    its payload's; a handler registered for a class also handles its subclasses."""

    def __init__(self) -> None:
        self._commands: dict[type, Handler] = {}
        self._events: dict[type, list[Handler]] = {}

    def command(self, kind: type, handler: Handler) -> None:
        """``handler`` is the one use case for ``kind``; a second one is refused."""
        if kind in self._commands or kind in self._events:
            raise ValueError(f"{kind.__name__} has a handler already: a command has exactly one")
        self._commands[kind] = handler

    def event(self, kind: type, handler: Handler) -> None:
        """``handler`` is told of every ``kind``, besides the others told of it."""
        if kind in self._commands:
            raise ValueError(f"{kind.__name__} is a command: it cannot have event handlers too")
        self._events.setdefault(kind, []).append(handler)

    @overload
    async def handle(self, message: Command[R]) -> R: ...

    @overload
    async def handle(self, message: Envelope) -> Any: ...

    async def handle(self, message: Command[Any] | Envelope) -> Any:
        """Hand the message to its command's handler and return its result, or to every handler of
        the event, one after the other (the first error stops the rest, so a retry tells them all)."""
        kinds = type(message.data if isinstance(message, Envelope) else message).__mro__
        for kind in kinds:
            if kind in self._commands:
                return await self._commands[kind](message)
        handlers = [handler for kind in kinds for handler in self._events.get(kind, [])]
        if not handlers:
            raise UnhandledMessage(f"no handler for {kinds[0].__name__}")
        for handler in handlers:
            await handler(message)
        return None
