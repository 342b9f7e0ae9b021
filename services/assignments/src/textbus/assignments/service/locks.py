"""One writer per document inside a process.

FerretDB applies concurrent updates of one document as read-then-replace, so
two writers can lose each other's change (even of different fields). Requests
and handlers that write the same document take its lock first; across
processes, writes are conditional on the document's version (atomic on
MongoDB) or go through a Kafka partition (one consumer per key).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]
