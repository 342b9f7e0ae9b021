"""Every query each service runs has an index that serves it on MongoDB (see query_shapes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.assignments import queries as assignments_queries
from tests.unit.numbers import queries as numbers_queries
from tests.unit.query_shapes import Shape, query_sites, unserved, unused
from textbus.assignments.adapters.indexes import INDEXES as ASSIGNMENTS_INDEXES
from textbus.kit.mongo import Index
from textbus.numbers.adapters.indexes import INDEXES as NUMBERS_INDEXES

SERVICES = pytest.mark.parametrize(
    ("adapters", "shapes", "indexes"),
    [
        (numbers_queries.ADAPTERS, numbers_queries.SHAPES, NUMBERS_INDEXES),
        (assignments_queries.ADAPTERS, assignments_queries.SHAPES, ASSIGNMENTS_INDEXES),
    ],
    ids=["numbers", "assignments"],
)
Shapes = dict[str, tuple[Shape, ...]]


@SERVICES
def test_every_function_that_queries_the_database_has_its_query_shapes_listed(
    adapters: Path, shapes: Shapes, indexes: tuple[Index, ...]
) -> None:
    assert query_sites(adapters) == set(shapes)


@SERVICES
def test_every_query_shape_is_served_by_a_declared_index(
    adapters: Path, shapes: Shapes, indexes: tuple[Index, ...]
) -> None:
    assert unserved(shapes, indexes) == []


@SERVICES
def test_every_declared_index_serves_a_listed_query(
    adapters: Path, shapes: Shapes, indexes: tuple[Index, ...]
) -> None:
    assert unused(shapes, indexes) == []
