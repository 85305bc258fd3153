"""Tasks CRUD for the signed-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response, status

from .. import tasks
from ..deps import SessionDep, UserDep
from ..errors import responses
from ..schemas import TaskCreate, TaskOut, TaskPage, TaskUpdate

router = APIRouter(prefix="/api/tasks", tags=["tasks"])
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1)]


async def _owned(session: SessionDep, user: UserDep, task_id: int):
    task = await tasks.get_task(session, user.id, task_id)
    if task is None:
        raise _not_found(task_id)
    return task


@router.get("", responses=responses(401, 422, 503))
async def list_tasks(
    session: SessionDep,
    user: UserDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    completed: bool | None = None,
) -> TaskPage:
    items, total = await tasks.list_tasks(session, user.id, limit=limit, offset=offset, completed=completed)
    return TaskPage(items=[TaskOut.model_validate(t) for t in items], total=total, limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 413, 422, 503))
async def create_task(body: TaskCreate, session: SessionDep, user: UserDep) -> TaskOut:
    return TaskOut.model_validate(await tasks.create_task(session, user.id, body.title, body.description))


@router.get("/{task_id}", responses=responses(401, 404, 422, 503))
async def get_task(task_id: TaskId, session: SessionDep, user: UserDep) -> TaskOut:
    return TaskOut.model_validate(await _owned(session, user, task_id))


def _not_found(task_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"Task {task_id} not found")


@router.patch("/{task_id}", responses=responses(400, 401, 404, 413, 422, 503))
async def update_task(task_id: TaskId, body: TaskUpdate, session: SessionDep, user: UserDep) -> TaskOut:
    """A task deleted meanwhile (another device, the assistant) is a 404, as one never created."""
    task = await tasks.update_task(session, user.id, task_id, body.model_dump(exclude_unset=True))
    if task is None:
        raise _not_found(task_id)
    return TaskOut.model_validate(task)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 404, 422, 503))
async def delete_task(task_id: TaskId, session: SessionDep, user: UserDep) -> Response:
    """204 when this request deleted it; 404 when it was not there, deleted meanwhile included.
    Either way the task is gone afterwards: a retried DELETE is safe."""
    if await tasks.delete_task(session, user.id, task_id) is None:
        raise _not_found(task_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
