"""Running writes at once without leaving any behind."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def all_settled(*writes: Awaitable[T]) -> list[T]:
    """Await every one of ``writes``, then raise the first error, as it was raised.

    ``asyncio.gather`` raises at the first error while the others keep running; a
    consumer then redelivers its batch, and the redelivery would write the same
    documents as those leftovers, which FerretDB does not serialise. A TaskGroup
    waits, but wraps the error in an ExceptionGroup, which hides an infrastructure
    error from the dead-letter policy.
    """
    results = await asyncio.gather(*writes, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [result for result in results if not isinstance(result, BaseException)]
