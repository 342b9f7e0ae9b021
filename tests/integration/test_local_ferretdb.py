"""Our build of FerretDB (deploy/local/ferretdb.sh) answers `_id` look-ups from its `_id` index.

FerretDB 1.24.2 indexes `_id` under one SQLite expression and looks documents
up under another, so SQLite scanned the whole table for every find, update and
delete by `_id`; patches/sqlite-id-lookup.sed makes the look-up use the indexed
expression. SQLite picks an expression index only for the expression as
written, so this asks SQLite's planner about the expression the binary was
built with, on a table and index that the binary itself created.
"""

import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from textbus.devinfra.processes import LocalProcess, free_port, repo_root

pytestmark = pytest.mark.integration

SCRIPT = repo_root() / "deploy/local/ferretdb.sh"


def built_id_lookup() -> str:
    """The SQL expression the built FerretDB looks documents up by (its metadata.IDColumn)."""
    binary = subprocess.run(
        ["bash", str(SCRIPT), "build"], check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL
    ).stdout.strip()
    source = Path(binary).parent / "FerretDB/internal/backends/sqlite/metadata/metadata.go"
    match = re.search(r"IDColumn = DefaultColumn \+ (`[^`]*`|\"(?:[^\"\\]|\\.)*\")", source.read_text())
    assert match, f"IDColumn not found in {source}"
    literal = match.group(1)[1:-1]
    return "_ferretdb_sjson" + (literal if match.group(1).startswith("`") else literal.replace('\\"', '"'))


def test_documents_are_looked_up_through_the_id_index(tmp_path: Path) -> None:
    port = free_port()
    ferretdb = LocalProcess(
        name="ferretdb",
        script=SCRIPT,
        env={"FERRETDB_PORT": str(port), "FERRETDB_DATA_DIR": str(tmp_path / "data")},
        log_path=tmp_path / "ferretdb.log",
    )
    ferretdb.prepare()
    ferretdb.start()
    try:
        ferretdb.wait_ready(60)
        with MongoClient[dict[str, Any]](f"mongodb://127.0.0.1:{port}/") as client:
            client["lookup"]["numbers"].insert_many([{"_id": f"+1212555{i:04d}"} for i in range(10)])
            assert client["lookup"]["numbers"].find_one({"_id": "+12125550007"}) == {"_id": "+12125550007"}
    finally:
        ferretdb.stop()

    lookup, key = built_id_lookup(), ('"+12125550007"',)
    with sqlite3.connect(f"file:{tmp_path / 'data/lookup.sqlite'}?mode=ro", uri=True) as db:
        collections = "SELECT table_name FROM _ferretdb_collections WHERE name = 'numbers'"
        (table,) = db.execute(collections).fetchone()
        query = f'SELECT count(*) FROM "{table}" WHERE {lookup} = ?'
        plan = db.execute(f"EXPLAIN QUERY PLAN {query}", key).fetchall()
        found = db.execute(query, key).fetchone()

    assert any(f"USING INDEX {table}__id_" in step[-1] for step in plan), (lookup, plan)
    assert found == (1,)
