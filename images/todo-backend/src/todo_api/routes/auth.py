"""Sign-up and log-in, issuing JWTs. Hashing runs off the event loop (security.Passwords), and
no database connection is held while it does; both are rate limited (ratelimit.py)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..deps import PasswordsDep, SessionDep, SettingsDep, UserDep
from ..errors import responses
from ..models import User
from ..schemas import LogIn, SignUp, TokenOut, UserOut
from ..security import DUMMY_HASH, issue_token

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _token(user: User, settings: SettingsDep) -> TokenOut:
    return TokenOut(
        access_token=issue_token(user.id, settings.JWT_SECRET, settings.JWT_TTL_MINUTES),
        user=UserOut.model_validate(user),
    )


def _too_many(detail: str, seconds: int) -> HTTPException:
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS, f"{detail}; try again in {seconds} s", {"Retry-After": str(seconds)}
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/signup", status_code=status.HTTP_201_CREATED, responses=responses(400, 409, 413, 422, 429, 503))
async def signup(
    body: SignUp, request: Request, session: SessionDep, settings: SettingsDep, passwords: PasswordsDep
) -> TokenOut:
    if (wait := await request.app.state.auth_limits.signup_attempt(_client(request))) is not None:
        raise _too_many("Too many sign-ups from this address", wait)
    password_hash = await passwords.hash(body.password)
    user = User(email=body.email.lower(), name=body.name, password_hash=password_hash)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "An account with this email already exists") from None
    return _token(user, settings)


@router.post("/login", responses=responses(400, 401, 413, 422, 429, 503))
async def login(
    body: LogIn, request: Request, session: SessionDep, settings: SettingsDep, passwords: PasswordsDep
) -> TokenOut:
    email = body.email.lower()
    limits = request.app.state.auth_limits
    if (wait := await limits.client_attempt(_client(request))) is not None:
        raise _too_many("Too many log-in attempts from this address", wait)
    if (wait := await limits.account_blocked(email)) is not None:
        raise _too_many("Too many failed log-ins for this account", wait)
    user = await session.scalar(select(User).where(User.email == email))
    # End the transaction before hashing: the connection goes back to the pool meanwhile.
    await session.commit()
    if not await passwords.verify(body.password, user.password_hash if user else DUMMY_HASH) or user is None:
        await limits.account_failed(email)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong email or password")
    return _token(user, settings)


@router.get("/me", responses=responses(401, 503))
async def me(user: UserDep) -> UserOut:
    return UserOut.model_validate(user)
