"""Request dependencies: settings, a database session, the signed-in user, password hashing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from .config import Settings
from .models import User
from .security import Passwords, user_id_from_token

_bearer = HTTPBearer(auto_error=False)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_passwords(request: Request) -> Passwords:
    return request.app.state.passwords


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; it takes a pooled connection at its first query and holds it
    until the request ends (or a route gives it back early, as /api/chat and log-in do)."""
    async with request.app.state.sessionmaker() as session:
        yield session


async def current_user(
    session: Annotated[AsyncSession, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    unauthorized = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Sign in first: send 'Authorization: Bearer <token>' from /api/auth/login",
        headers={"WWW-Authenticate": "Bearer"},
    )
    if credentials is None:
        raise unauthorized
    user_id = user_id_from_token(credentials.credentials, settings.JWT_SECRET)
    user = None if user_id is None else await session.get(User, user_id)
    if user is None:
        raise unauthorized
    return user


SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PasswordsDep = Annotated[Passwords, Depends(get_passwords)]
UserDep = Annotated[User, Depends(current_user)]
