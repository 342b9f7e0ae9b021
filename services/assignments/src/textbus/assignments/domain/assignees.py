"""Who a number is assigned to, as this service's rules see it (the wire has its own type)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

AssigneeKind = Literal["user", "group"]


class Assignee(BaseModel):
    """One user (a personal number) or one SMS group (its members share the number)."""

    model_config = ConfigDict(frozen=True)

    kind: AssigneeKind
    id: str
