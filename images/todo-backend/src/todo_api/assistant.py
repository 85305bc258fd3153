"""The todo assistant: OpenAI chat completions with tool calling over the user's own tasks.

The model may call the tools below; each call runs against the database for the signed-in user
only, and its result goes back to the model until it answers in words (at most MAX_ROUNDS).

Under faults:

- One deadline (CHAT_DEADLINE_SECONDS) bounds the whole request, every model round included,
  however the model service misbehaves (hangs, trickles bytes, retries): then 504.
- No database connection or transaction is held while the model thinks: each tool call takes a
  connection for its own short transaction and gives it back. A tool call that has started is
  not cut off by the deadline (its own database timeouts bound it); the next model round is.
- A reply that is not a chat completion is a 502, found before any of its tool calls runs: a
  reply is applied whole or not at all. Changes saved in earlier rounds stay saved, and the
  502 or 504 lists them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Literal

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import tasks
from .errors import ChatFailed
from .schemas import ChatTurn, Description, TaskChange, TaskOut, Title

log = logging.getLogger(__name__)
MAX_ROUNDS = 5
# Tool calls run from one model reply; the rest are refused, and the model is told so.
MAX_TOOL_CALLS_PER_REPLY = 20
# Bytes of one model reply: a chat completion with a few tool calls is a few kilobytes.
MAX_REPLY_BYTES = 1 << 20

SYSTEM_PROMPT = (
    "You are the assistant of a todo app. You can list, add, complete, update and delete the "
    "user's tasks with the tools you have. Use a tool whenever the user asks for a change; refer "
    "to tasks by their id. Answer briefly."
)


def _tool(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            },
        },
    }


_id = {"task_id": {"type": "integer", "description": "The task's id"}}
TOOLS = [
    _tool("list_tasks", "List the user's tasks, newest first", {"completed": {"type": "boolean"}}, []),
    _tool("add_task", "Add a task", {"title": {"type": "string"}, "description": {"type": "string"}}, ["title"]),
    _tool("complete_task", "Mark a task as done", _id, ["task_id"]),
    _tool(
        "update_task",
        "Change a task's title, description or completion",
        {**_id, "title": {"type": "string"}, "description": {"type": "string"}, "completed": {"type": "boolean"}},
        ["task_id"],
    ),
    _tool("delete_task", "Delete a task", _id, ["task_id"]),
]


# What the app needs of a chat completion, checked whole before anything in it is acted on.
class _Function(BaseModel):
    name: str
    arguments: str


class _ToolCall(BaseModel):
    id: str
    type: Literal["function"] = "function"
    function: _Function


class _Message(BaseModel):
    content: str | None = None
    tool_calls: list[_ToolCall] | None = None


class _Choice(BaseModel):
    message: _Message


class _Completion(BaseModel):
    choices: list[_Choice] = Field(min_length=1)


class _ListArgs(BaseModel, extra="forbid"):
    completed: bool | None = None


class _AddArgs(BaseModel, extra="forbid"):
    title: Title
    description: Description = ""


class _IdArgs(BaseModel, extra="forbid"):
    task_id: int


class _UpdateArgs(_IdArgs):
    title: Title | None = None
    description: Description | None = None
    completed: bool | None = None


class Assistant:
    def __init__(
        self, client: AsyncOpenAI, model: str, sessions: async_sessionmaker[AsyncSession], deadline_seconds: float
    ) -> None:
        self.client = client
        self.model = model
        self.sessions = sessions
        self.deadline_seconds = deadline_seconds

    async def run(self, user_id: int, message: str, history: list[ChatTurn]) -> tuple[str, list[TaskChange]]:
        """The reply and the changes made; ChatFailed (502, 504) when the model service fails."""
        deadline = asyncio.get_running_loop().time() + self.deadline_seconds
        messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_PROMPT}]
        messages += [{"role": turn.role, "content": turn.content} for turn in history]
        messages.append({"role": "user", "content": message})
        changes: list[TaskChange] = []
        for _ in range(MAX_ROUNDS):
            reply = await self._complete(messages, deadline, changes)
            if not reply.tool_calls:
                return reply.content or "", changes
            messages.append(
                {
                    "role": "assistant",
                    "content": reply.content,
                    "tool_calls": [call.model_dump() for call in reply.tool_calls],
                }
            )
            if len(reply.tool_calls) > MAX_TOOL_CALLS_PER_REPLY:
                log.warning("assistant tool calls refused", extra={"calls": len(reply.tool_calls)})
            for index, call in enumerate(reply.tool_calls):
                if index < MAX_TOOL_CALLS_PER_REPLY:
                    result = await self._call(user_id, call.function.name, call.function.arguments, changes)
                else:
                    result = {"error": f"not run: at most {MAX_TOOL_CALLS_PER_REPLY} tool calls per reply"}
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result, default=str)})
        return f"The assistant did not finish within {MAX_ROUNDS} rounds of tool calls{_saved(changes)}.", changes

    async def _complete(self, messages: list[dict[str, Any]], deadline: float, changes: list[TaskChange]) -> _Message:
        """One model round, within what is left of the deadline."""
        try:
            async with asyncio.timeout_at(deadline):
                # Read as it comes, to a bound: a reply of any size never sits whole in memory.
                async with self.client.chat.completions.with_streaming_response.create(
                    model=self.model, messages=messages, tools=TOOLS
                ) as response:
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > MAX_REPLY_BYTES:
                            log.warning("assistant reply too large", extra={"bytes": size})
                            raise ChatFailed(
                                502,
                                f"The assistant's model service answered more than {MAX_REPLY_BYTES} bytes"
                                + _saved(changes),
                                changes,
                            )
                        chunks.append(chunk)
                body = b"".join(chunks)
        except TimeoutError:
            log.warning("assistant deadline passed", extra={"seconds": self.deadline_seconds})
            raise ChatFailed(
                504,
                f"The assistant's model service did not answer within {self.deadline_seconds:g} s" + _saved(changes),
                changes,
            ) from None
        except openai.APIStatusError as error:
            log.warning("assistant upstream error", extra={"status": error.status_code})
            raise ChatFailed(
                502, f"The assistant's model service answered {error.status_code}" + _saved(changes), changes
            ) from None
        except openai.APIError as error:
            log.warning("assistant upstream unreachable", extra={"error": type(error).__name__})
            raise ChatFailed(
                502, "The assistant's model service could not be reached" + _saved(changes), changes
            ) from None
        try:
            return _Completion.model_validate_json(body).choices[0].message
        except ValidationError as error:
            log.warning("assistant upstream nonsense", extra={"error": str(error).splitlines()[0], "bytes": len(body)})
            raise ChatFailed(
                502,
                "The assistant's model service answered something that is not a chat completion" + _saved(changes),
                changes,
            ) from None

    async def _call(self, user_id: int, name: str, raw: str, changes: list[TaskChange]) -> dict[str, Any]:
        """Runs one tool call in its own short transaction; bad arguments go back to the model as
        an error, never as a 500."""
        try:
            args = json.loads(raw or "{}")
            if name == "list_tasks":
                listed = _ListArgs.model_validate(args)
                async with self.sessions() as session:
                    items, total = await tasks.list_tasks(
                        session, user_id, limit=100, offset=0, completed=listed.completed
                    )
                return {"total": total, "tasks": [TaskOut.model_validate(t).model_dump(mode="json") for t in items]}
            if name == "add_task":
                added = _AddArgs.model_validate(args)
                async with self.sessions() as session:
                    task = await tasks.create_task(session, user_id, added.title, added.description)
                return self._changed(changes, "added", task)
            if name in ("complete_task", "update_task", "delete_task"):
                parsed = (_UpdateArgs if name == "update_task" else _IdArgs).model_validate(args)
                # One statement each: a task deleted meanwhile (another device) is reported in
                # words, never an error of the whole chat.
                gone = {"error": f"task {parsed.task_id} no longer exists (or never did); list the tasks again"}
                async with self.sessions() as session:
                    if name == "delete_task":
                        deleted = await tasks.delete_task(session, user_id, parsed.task_id)
                        if deleted is None:
                            return gone
                        snapshot = TaskOut.model_validate(deleted)
                        changes.append(TaskChange(action="deleted", task=snapshot))
                        return {"deleted": snapshot.model_dump(mode="json")}
                    update = (
                        {"completed": True}
                        if name == "complete_task"
                        else parsed.model_dump(exclude_none=True, exclude={"task_id"})
                    )
                    task = await tasks.update_task(session, user_id, parsed.task_id, update)
                    if task is None:
                        return gone
                return self._changed(changes, "completed" if name == "complete_task" else "updated", task)
            return {"error": f"unknown tool {name}"}
        except (json.JSONDecodeError, ValidationError) as error:
            log.info("assistant tool call refused", extra={"tool": name, "error": str(error)})
            return {"error": f"invalid arguments for {name}: {error}"}

    @staticmethod
    def _changed(changes: list[TaskChange], action: str, task: Any) -> dict[str, Any]:
        out = TaskOut.model_validate(task)
        changes.append(TaskChange(action=action, task=out))  # type: ignore[arg-type]
        return {action: out.model_dump(mode="json")}


def _saved(changes: list[TaskChange]) -> str:
    if not changes:
        return "; nothing was changed"
    done = ", ".join(f"{c.action} task {c.task.id}" for c in changes)
    return f"; saved before that: {done}"
