"""Task operations for one user: used by the REST routes and by the assistant's tools alike.

Every query is scoped by user id, so another user's task is simply not found. Every write is one
statement that returns the row it wrote (`RETURNING`), so that the answer is what the database
returned inside the transaction: nothing is read back after the commit (a read that could fail
on its own, after the write had landed), and a task changed or deleted meanwhile by another
request is simply not found, never a stale-object error.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update
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
    statement = insert(Task).values(user_id=user_id, title=title, description=description, completed=False)
    task = (await session.scalars(statement.returning(Task))).one()
    await session.commit()
    return task


async def update_task(session: AsyncSession, user_id: int, task_id: int, changes: dict[str, object]) -> Task | None:
    """The task as changed, or None when it does not exist (another request may have deleted it)."""
    if not changes:
        return await get_task(session, user_id, task_id)
    statement = (
        update(Task)
        .where(Task.id == task_id, Task.user_id == user_id)
        .values(**changes, updated_at=func.now())
        .returning(Task)
        .execution_options(synchronize_session=False)
    )
    task = (await session.scalars(statement)).one_or_none()
    await session.commit()
    return task


async def delete_task(session: AsyncSession, user_id: int, task_id: int) -> Task | None:
    """The task as it was, or None when it was not there (deleted meanwhile, or never)."""
    statement = (
        delete(Task)
        .where(Task.id == task_id, Task.user_id == user_id)
        .returning(Task)
        .execution_options(synchronize_session=False)
    )
    task = (await session.scalars(statement)).one_or_none()
    await session.commit()
    return task
