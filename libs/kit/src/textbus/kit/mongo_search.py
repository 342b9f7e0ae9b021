"""Searching a collection on MongoDB: filters, pages with their total, streams, and an order by
names that another collection keeps.

Every service's search is one query builder: the adapter turns a request into
one filter (the criteria combined with ``all_of``), one sort (ending in ``_id``
so that ties have one order and pages never overlap), and hands both to these
functions. What a typed text must contain comes from ``textbus.search`` (the
same needle the pure oracle of each service uses); ``contains`` makes it a
filter.

Names shown in a table often live in a read model (an assignee's name, a
carrier profile's), not on the document searched, which only holds their key.
Sorting by such a name without a join: count the matching documents per key
(``count_by``), order the keys by their names, then read the keys' documents
one name after another (``page_by_name``, ``stream_by_name``), each read an
indexed equality on the key sorted by the tie-breaker.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]
Filter = dict[str, Any]
Sort = Sequence[tuple[str, int]]
# The names of these keys (None, or no entry: the key has none).
NamesOf = Callable[[Collection[Any]], Awaitable[Mapping[Any, str | None]]]

# A stream's batch: what an export or a bulk selection holds in memory at once.
BATCH = 500


def contains(needle: str) -> Filter:
    """A field's filter: the value contains ``needle``, in any case (a regex without an anchor: on
    MongoDB it is matched on the index's keys of the bounded prefix, never a bound of its own)."""
    return {"$regex": re.escape(needle), "$options": "i"}


def all_of(*criteria: Filter | None) -> Filter:
    """Every criterion (AND); absent ones left out."""
    present = [c for c in criteria if c]
    if len(present) <= 1:
        return present[0] if present else {}
    return {"$and": present}


def any_of(*criteria: Filter) -> Filter:
    """Any criterion (OR); none matches nothing."""
    if not criteria:
        return {"_id": {"$in": []}}
    return criteria[0] if len(criteria) == 1 else {"$or": list(criteria)}


def one_of(field: str, values: Sequence[Any]) -> Filter:
    return {field: {"$in": list(values)}}


def direction(descending: bool) -> int:
    return -1 if descending else 1


async def find_page(
    collection: AsyncCollection[Document],
    query: Filter,
    sort: Sort,
    *,
    skip: int,
    limit: int,
    projection: Document | None = None,
) -> tuple[list[Document], int]:
    """A page of the matching documents in ``sort`` order, and how many match in all."""
    total = await collection.count_documents(query)
    if limit == 0 or skip >= total:
        return [], total
    cursor = collection.find(query, projection).sort(list(sort)).skip(skip).limit(limit)
    return await cursor.to_list(), total


async def find_batches(
    collection: AsyncCollection[Document],
    query: Filter,
    sort: Sort,
    *,
    projection: Document | None = None,
    batch: int = BATCH,
) -> AsyncIterator[list[Document]]:
    """Every matching document in ``sort`` order, ``batch`` at a time, from one cursor."""
    chunk: list[Document] = []
    async for document in collection.find(query, projection, batch_size=batch).sort(list(sort)):
        chunk.append(document)
        if len(chunk) == batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def count_by(collection: AsyncCollection[Document], query: Filter, field: str) -> dict[Any, int]:
    """How many matching documents hold each value of ``field`` (None: absent or null)."""
    pipeline = [{"$match": query}, {"$group": {"_id": f"${field}", "count": {"$sum": 1}}}]
    cursor = await collection.aggregate(pipeline)
    return {document["_id"]: document["count"] async for document in cursor}


@dataclass(frozen=True)
class ByName:
    """An order by the name of what ``field`` refers to: ``names_of`` gives the keys' names (a key
    without one sorts like a document without the key: first ascending, last descending), compared
    in any case; documents of one name follow ``then`` (ending in ``_id``), which reverses with the
    order."""

    field: str
    names_of: NamesOf
    descending: bool = False
    then: tuple[str, ...] = ("_id",)

    async def groups(self, counts: Mapping[Any, int]) -> list[tuple[list[Any], int]]:
        """The keys in name order, those of one name together, each group with its count."""
        names = await self.names_of([key for key in counts if key is not None])
        by_name: dict[str | None, list[Any]] = defaultdict(list)
        for key in counts:
            name = names.get(key)
            by_name[name.casefold() if name is not None else None].append(key)
        order = sorted(by_name, key=lambda n: (n is not None, n or ""), reverse=self.descending)
        return [(by_name[n], sum(counts[k] for k in by_name[n])) for n in order]

    @property
    def sort(self) -> list[tuple[str, int]]:
        return [(field, direction(self.descending)) for field in self.then]


async def page_by_name(
    collection: AsyncCollection[Document],
    query: Filter,
    order: ByName,
    *,
    skip: int,
    limit: int,
    projection: Document | None = None,
) -> tuple[list[Document], int]:
    """A page in ``order`` and the total, reading only the name groups the page falls in."""
    counts = await count_by(collection, query, order.field)
    page: list[Document] = []
    position = 0
    for keys, count in await order.groups(counts):
        if len(page) == limit:
            break
        if position + count > skip:
            start = max(0, skip - position)
            cursor = (
                collection.find(all_of(query, one_of(order.field, keys)), projection)
                .sort(order.sort)
                .skip(start)
                .limit(limit - len(page))
            )
            page.extend(await cursor.to_list())
        position += count
    return page, sum(counts.values())


async def page_in_order(
    collection: AsyncCollection[Document],
    query: Filter,
    order: Sort | ByName,
    *,
    skip: int,
    limit: int,
    projection: Document | None = None,
) -> tuple[list[Document], int]:
    """A page in ``order`` and the total: ``find_page`` for a sort, ``page_by_name`` for a ByName,
    so that a search's page is one call whichever order its reader asked for."""
    if isinstance(order, ByName):
        return await page_by_name(collection, query, order, skip=skip, limit=limit, projection=projection)
    return await find_page(collection, query, order, skip=skip, limit=limit, projection=projection)


async def stream_by_name(
    collection: AsyncCollection[Document],
    query: Filter,
    order: ByName,
    *,
    projection: Document | None = None,
    batch: int = BATCH,
) -> AsyncIterator[list[Document]]:
    """Every matching document in ``order``, ``batch`` at a time (a batch never spans two names)."""
    counts = await count_by(collection, query, order.field)
    for keys, _ in await order.groups(counts):
        group = all_of(query, one_of(order.field, keys))
        async for chunk in find_batches(collection, group, order.sort, projection=projection, batch=batch):
            yield chunk


def stream_in_order(
    collection: AsyncCollection[Document],
    query: Filter,
    order: Sort | ByName,
    *,
    projection: Document | None = None,
    batch: int = BATCH,
) -> AsyncIterator[list[Document]]:
    """Every matching document in ``order``, ``batch`` at a time, whichever order was asked for."""
    if isinstance(order, ByName):
        return stream_by_name(collection, query, order, projection=projection, batch=batch)
    return find_batches(collection, query, order, projection=projection, batch=batch)
