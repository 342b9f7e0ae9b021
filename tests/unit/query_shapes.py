"""Every query an adapter runs, checked against the indexes its service declares.

FerretDB's ``explain`` does not reflect index use (it scans every collection),
so each query is written down as its shape (equality, sort and range fields)
under the function that runs it, and checked statically: an index serves a
shape when its keys start with the equality fields (in any order), then the
sort fields (in order), then the range fields (MongoDB's ESR rule). The list
itself is checked against the code: every function of the adapters and the
kit that calls a query method must have its shapes written down, so a new
query cannot be forgotten.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import textbus.kit
from textbus.kit.mongo import Index

QUERY_METHODS = {
    "find",
    "find_one",
    "count_documents",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "aggregate",
    "distinct",
    "find_one_and_update",
    "find_one_and_replace",
    "find_one_and_delete",
}
# The kit's modules that query a service's collections (the outbox relay, apply_once).
KIT_QUERY_MODULES = ("outbox", "mongo", "mongo_search")


@dataclass(frozen=True)
class Shape:
    """What the database needs an index for; negations ($nor, $nin, $ne) filter what it found."""

    collection: str
    equality: tuple[str, ...] = ()
    sort: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    # Fields queried with ``$exists: true``: a range over every value, which a sparse index serves.
    present: tuple[str, ...] = ()


def by_id(*collections: str) -> tuple[Shape, ...]:
    return tuple(Shape(c, equality=("_id",)) for c in collections)


def serves(index: Index, shape: Shape) -> bool:
    if index.collection != shape.collection:
        return False
    # A sparse index leaves out the documents without the field: only an $exists query may use it.
    if index.sparse and not set(index.keys) <= set(shape.present):
        return False
    keys, equal, sort = index.keys, len(shape.equality), len(shape.sort)
    ranges = {*shape.range, *shape.present}
    return (
        set(keys[:equal]) == set(shape.equality)
        and keys[equal : equal + len(shape.sort)] == shape.sort
        and set(keys[equal + sort : equal + sort + len(ranges)]) == ranges
    )


def unserved(shapes: dict[str, tuple[Shape, ...]], indexes: Iterable[Index]) -> list[tuple[str, Shape]]:
    """The shapes no index serves. ``_id`` is always indexed: an ``_id`` equality finds at most one
    document, and a query with no equality and no sort but on ``_id`` reads it in ``_id`` order."""
    declared = list(indexes)
    return [
        (site, shape)
        for site, site_shapes in shapes.items()
        for shape in site_shapes
        if "_id" not in shape.equality
        and not serves(Index(shape.collection, ("_id",), "always there"), shape)
        and not any(serves(index, shape) for index in declared)
    ]


def unused(shapes: dict[str, tuple[Shape, ...]], indexes: Iterable[Index]) -> list[Index]:
    """The declared indexes that serve no listed query (each costs every write)."""
    listed = [shape for site_shapes in shapes.values() for shape in site_shapes]
    return [index for index in indexes if not any(serves(index, shape) for shape in listed)]


def query_sites(adapters: Path) -> set[str]:
    """``module.Class.method`` of every function in the adapters and the kit that calls a query method."""
    kit = Path(next(iter(textbus.kit.__path__)))
    modules = [*adapters.glob("*.py"), *(kit / f"{m}.py" for m in KIT_QUERY_MODULES)]
    return {f"{path.stem}.{site}" for path in modules for site in _sites(ast.parse(path.read_text()))}


def _sites(node: ast.AST, prefix: str = "") -> Iterator[str]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{child.name}"
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and _queries(child):
                yield name
            yield from _sites(child, f"{name}.")


def _queries(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    # Nested functions are sites of their own.
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        match node:
            case ast.Call(func=ast.Attribute(attr=method)) if method in QUERY_METHODS:
                return True
        pending.extend(ast.iter_child_nodes(node))
    return False
