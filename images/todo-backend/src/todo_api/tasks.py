"""Task operations for one user: used by the REST routes and by the assistant's tools alike.

Every query is scoped by user id, so another user's task is simply not found.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Task


async def list_tasks(
    session: AsyncSession, user_id: int, *, limit: int, offset: int, completed: bool | None = None
) -> tuple[list[Task], int]:
    query = select(Task).where(Task.user_id == user_id)
    if completed is not None:
        query = query.where(Task.completed == completed)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(query.order_by(Task.created_at.desc(), Task.id.desc()).limit(limit).offset(offset))
    return list(rows), int(total or 0)


async def get_task(session: AsyncSession, user_id: int, task_id: int) -> Task | None:
    return await session.scalar(select(Task).where(Task.id == task_id, Task.user_id == user_id))


async def create_task(session: AsyncSession, user_id: int, title: str, description: str = "") -> Task:
    task = Task(user_id=user_id, title=title, description=description, completed=False)
    session.add(task)
    await session.commit()
    await session.refresh(task)
    return task


async def update_task(session: AsyncSession, task: Task, changes: dict[str, object]) -> Task:
    for field, value in changes.items():
        setattr(task, field, value)
    await session.commit()
    await session.refresh(task)
    return task


async def delete_task(session: AsyncSession, task: Task) -> None:
    await session.delete(task)
    await session.commit()
