"""Request and response bodies. Unknown fields are refused, and every limit is explicit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import email_validator
from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

# Email addresses here are sign-in names, never mailed to: one at a special-use domain (.test,
# .local, ...) is as good as any, and the OpenAPI document's `format: email` allows it.
# email-validator keeps the names it refuses in this list, for applications to change.
email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it here as a 422 instead of failing in the database.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


# What the validators below check, in the OpenAPI document too (a JSON Schema `pattern`), so that
# the document refuses exactly what the app refuses. Lengths count what was sent, before stripping.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
NoNul = AfterValidator(_no_nul)

# A chat is a message and up to CHAT_HISTORY earlier turns, each up to CHAT_TEXT characters. Sent
# as JSON with every character escaped ("\ud83d\ude00" is 12 bytes for one character), the
# largest such body is 21 x 4000 x 12 bytes, 0.96 MiB: /api/chat's body limit is 1 MiB so that
# every body the schema allows fits (the other routes' bodies are far smaller, under MAX_BODY_BYTES).
CHAT_TEXT = 4000
CHAT_HISTORY = 20
CHAT_BODY_BYTES = 1024 * 1024

Title = Annotated[
    str,
    Field(min_length=1, max_length=200, json_schema_extra={"pattern": NOT_BLANK}),
    NoNul,
    AfterValidator(_not_blank),
]
Description = Annotated[str, Field(max_length=2000, json_schema_extra={"pattern": NO_NUL}), NoNul]
Name = Annotated[str, Field(max_length=100, json_schema_extra={"pattern": NO_NUL}), NoNul, AfterValidator(str.strip)]
Message = Annotated[
    str,
    Field(min_length=1, max_length=CHAT_TEXT, json_schema_extra={"pattern": NOT_BLANK}),
    NoNul,
    AfterValidator(_not_blank),
]


class Strict(BaseModel):
    """A request body: unknown fields are refused, and so is a value of another JSON type (no
    0 for false, no "1" for 1)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class SignUp(Strict):
    email: EmailStr
    password: str = Field(min_length=8, max_length=128)
    name: Name = ""


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


def _no_null_defaults(schema: dict) -> None:
    # An omitted field is left as it is; null is not a value any field takes, and the document
    # says so: no `"default": null` on a string.
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


class TaskUpdate(Strict):
    """Only the fields sent change; a field cannot be set to null."""

    model_config = ConfigDict(json_schema_extra=_no_null_defaults)
    title: Title = None  # type: ignore[assignment]
    description: Description = None  # type: ignore[assignment]
    completed: bool = None  # type: ignore[assignment]


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
    content: Annotated[str, StringConstraints(max_length=CHAT_TEXT)]


class ChatIn(Strict):
    message: Message
    history: list[ChatTurn] = Field(default_factory=list, max_length=CHAT_HISTORY)


class TaskChange(BaseModel):
    action: Literal["added", "completed", "updated", "deleted"]
    task: TaskOut


class ChatOut(BaseModel):
    reply: str
    changes: list[TaskChange]


class Problem(BaseModel):
    """Every error: a message a person can read."""

    detail: str


class ValidationProblem(Problem):
    """422: `detail` joins the problems; `errors` lists them, one per field."""

    errors: list[str]


class ChatProblem(Problem):
    """502 and 504 from the assistant: `changes` are the tool calls already saved before it failed."""

    changes: list[TaskChange] = Field(default_factory=list)


class Health(BaseModel):
    status: Literal["healthy", "unhealthy"]
    database: Literal["connected", "disconnected"]
