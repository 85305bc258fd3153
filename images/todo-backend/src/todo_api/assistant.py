"""The todo assistant: OpenAI chat completions with tool calling over the user's own tasks.

The model may call the tools below; each call runs against the database for the signed-in user
only, and its result goes back to the model until it answers in words (at most MAX_ROUNDS).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from openai import AsyncOpenAI
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from . import tasks
from .schemas import ChatTurn, Description, TaskChange, TaskOut, Title

log = logging.getLogger(__name__)
MAX_ROUNDS = 5

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
    def __init__(self, client: AsyncOpenAI, model: str) -> None:
        self.client = client
        self.model = model

    async def run(
        self, session: AsyncSession, user_id: int, message: str, history: list[ChatTurn]
    ) -> tuple[str, list[TaskChange]]:
        messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_PROMPT}]
        messages += [{"role": turn.role, "content": turn.content} for turn in history]
        messages.append({"role": "user", "content": message})
        changes: list[TaskChange] = []
        for _ in range(MAX_ROUNDS):
            completion = await self.client.chat.completions.create(model=self.model, messages=messages, tools=TOOLS)
            reply = completion.choices[0].message
            if not reply.tool_calls:
                return reply.content or "", changes
            messages.append(reply.model_dump(exclude_none=True))
            for call in reply.tool_calls:
                result = await self._call(session, user_id, call.function.name, call.function.arguments, changes)
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result, default=str)})
        return "I could not finish that request; please try again with fewer steps.", changes

    async def _call(
        self, session: AsyncSession, user_id: int, name: str, raw: str, changes: list[TaskChange]
    ) -> dict[str, Any]:
        """Runs one tool call; problems go back to the model as an error, never as a 500."""
        try:
            args = json.loads(raw or "{}")
            if name == "list_tasks":
                parsed = _ListArgs.model_validate(args)
                items, total = await tasks.list_tasks(session, user_id, limit=100, offset=0, completed=parsed.completed)
                return {"total": total, "tasks": [TaskOut.model_validate(t).model_dump(mode="json") for t in items]}
            if name == "add_task":
                added = _AddArgs.model_validate(args)
                task = await tasks.create_task(session, user_id, added.title, added.description)
                return self._changed(changes, "added", task)
            if name in ("complete_task", "update_task", "delete_task"):
                parsed_id = (_UpdateArgs if name == "update_task" else _IdArgs).model_validate(args)
                task = await tasks.get_task(session, user_id, parsed_id.task_id)
                if task is None:
                    return {"error": f"task {parsed_id.task_id} not found"}
                if name == "delete_task":
                    snapshot = TaskOut.model_validate(task)
                    await tasks.delete_task(session, task)
                    changes.append(TaskChange(action="deleted", task=snapshot))
                    return {"deleted": snapshot.model_dump(mode="json")}
                update = (
                    {"completed": True}
                    if name == "complete_task"
                    else parsed_id.model_dump(exclude_none=True, exclude={"task_id"})
                )
                task = await tasks.update_task(session, task, update)
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
