"""Request and response bodies. Unknown fields are refused, and every limit is explicit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it here as a 422 instead of failing in the database.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


NoNul = AfterValidator(_no_nul)
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul]
Description = Annotated[str, StringConstraints(max_length=2000), NoNul]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignUp(Strict):
    email: EmailStr
    password: str = Field(min_length=8, max_length=128)
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), NoNul] = ""


class LogIn(Strict):
    email: EmailStr
    password: str = Field(min_length=1, max_length=128)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    name: str


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    user: UserOut


class TaskCreate(Strict):
    title: Title
    description: Description = ""


class TaskUpdate(Strict):
    title: Title | None = None
    description: Description | None = None
    completed: bool | None = None


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    description: str
    completed: bool
    created_at: datetime
    updated_at: datetime


class TaskPage(BaseModel):
    items: list[TaskOut]
    total: int
    limit: int
    offset: int


class ChatTurn(Strict):
    role: Literal["user", "assistant"]
    content: Annotated[str, StringConstraints(max_length=4000)]


class ChatIn(Strict):
    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    history: list[ChatTurn] = Field(default_factory=list, max_length=20)


class TaskChange(BaseModel):
    action: Literal["added", "completed", "updated", "deleted"]
    task: TaskOut


class ChatOut(BaseModel):
    reply: str
    changes: list[TaskChange]
