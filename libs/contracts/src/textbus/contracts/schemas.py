"""JSON Schema snapshots of released payloads, and the compatibility rule they are held to.

A released payload may gain optional fields; it may not lose a field, change a
field's type, or gain a required field. Anything else is a new type (``...v2``).
Run ``python -m textbus.contracts.schemas`` after adding a payload to snapshot it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from textbus.contracts.envelope import Envelope, payload_types

SNAPSHOT_DIR = Path(__file__).parent / "schemas"
# The envelope as a CloudEvent (correlationid, datacontenttype); textbus.Envelope.json is the first
# envelope's, whose records consumers still read.
ENVELOPE = "textbus.Envelope.v2"


def current_schemas() -> dict[str, dict[str, Any]]:
    schemas = {name: model.model_json_schema() for name, model in payload_types().items()}
    schemas[ENVELOPE] = Envelope.model_json_schema()
    return schemas


def snapshot_path(type_name: str) -> Path:
    return SNAPSHOT_DIR / f"{type_name}.json"


def load_snapshot(type_name: str) -> dict[str, Any] | None:
    path = snapshot_path(type_name)
    return json.loads(path.read_text()) if path.exists() else None


def incompatibilities(released: dict[str, Any], current: dict[str, Any], at: str = "") -> list[str]:
    """Why ``current`` cannot replace ``released`` for readers and writers of ``released``."""
    problems: list[str] = []
    released_props = released.get("properties", {})
    current_props = current.get("properties", {})
    for name, released_field in released_props.items():
        path = f"{at}{name}"
        if name not in current_props:
            problems.append(f"{path}: field removed")
            continue
        if _shape(released_field, released) != _shape(current_props[name], current):
            problems.append(f"{path}: type changed")
    for name in set(current.get("required", [])) - set(released.get("required", [])):
        problems.append(
            f"{at}{name}: " + ("made required" if name in released_props else "new required field")
        )
    for def_name, released_def in released.get("$defs", {}).items():
        current_def = current.get("$defs", {}).get(def_name)
        if current_def is None:
            problems.append(f"{at}$defs.{def_name}: definition removed")
        else:
            problems.extend(incompatibilities(released_def, current_def, f"{at}{def_name}."))
    return problems


def _shape(field: dict[str, Any], root: dict[str, Any]) -> Any:
    """A field's type with titles, descriptions and defaults stripped, for comparison."""
    ignored = {"title", "description", "default", "examples"}
    if isinstance(field, dict):
        return {k: _shape(v, root) for k, v in field.items() if k not in ignored}
    if isinstance(field, list):
        return [_shape(v, root) for v in field]
    return field


def write_snapshots() -> list[str]:
    """Snapshot every payload that has none yet; released snapshots are never rewritten."""
    SNAPSHOT_DIR.mkdir(exist_ok=True)
    written = []
    for type_name, schema in current_schemas().items():
        path = snapshot_path(type_name)
        if not path.exists():
            path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
            written.append(type_name)
    return written


if __name__ == "__main__":
    for name in write_snapshots():
        print(f"snapshot written: {name}", file=sys.stderr)
