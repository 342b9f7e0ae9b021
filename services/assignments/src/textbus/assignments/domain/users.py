"""Directory users: who numbers can be assigned to (one-to-one) and who can be in SMS groups."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


class User(BaseModel):
    model_config = ConfigDict(frozen=True)

    tenant: str
    user_id: str = Field(min_length=1, max_length=200)
    display_name: str = Field(min_length=1, max_length=200)
    sign_in_name: str = Field(min_length=1, max_length=320)
    enabled: bool = True
    updated_at: datetime

    @field_validator("display_name", "sign_in_name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    def changed_from(self, previous: User | None) -> bool:
        """Whether saving this user changes anything others can see."""
        if previous is None:
            return True
        ignored = {"updated_at"}
        return self.model_dump(exclude=ignored) != previous.model_dump(exclude=ignored)
