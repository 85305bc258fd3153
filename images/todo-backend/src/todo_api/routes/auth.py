"""Sign-up and log-in, issuing JWTs."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..deps import SessionDep, SettingsDep, UserDep
from ..models import User
from ..schemas import LogIn, SignUp, TokenOut, UserOut
from ..security import DUMMY_HASH, hash_password, issue_token, verify_password

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _token(user: User, settings: SettingsDep) -> TokenOut:
    return TokenOut(
        access_token=issue_token(user.id, settings.JWT_SECRET, settings.JWT_TTL_MINUTES),
        user=UserOut.model_validate(user),
    )


@router.post("/signup", status_code=status.HTTP_201_CREATED)
async def signup(body: SignUp, session: SessionDep, settings: SettingsDep) -> TokenOut:
    user = User(email=body.email.lower(), name=body.name, password_hash=hash_password(body.password))
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "An account with this email already exists") from None
    await session.refresh(user)
    return _token(user, settings)


@router.post("/login")
async def login(body: LogIn, session: SessionDep, settings: SettingsDep) -> TokenOut:
    user = await session.scalar(select(User).where(User.email == body.email.lower()))
    if not verify_password(body.password, user.password_hash if user else DUMMY_HASH) or user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong email or password")
    return _token(user, settings)


@router.get("/me")
async def me(user: UserDep) -> UserOut:
    return UserOut.model_validate(user)
