"""Field types shared by several contracts."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

E164 = Annotated[
    str,
    StringConstraints(pattern=r"^\+[1-9]\d{1,14}$"),
    Field(description="A phone number in E.164 form, e.g. +14155550100."),
]
Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Assignee(BaseModel):
    """Who a number is assigned to: one user (one-to-one) or one SMS group (one-to-many)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Literal["user", "group"]
    id: Id
