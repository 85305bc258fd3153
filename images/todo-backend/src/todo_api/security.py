"""Passwords (argon2id, via pwdlib) and access tokens (HS256 JWTs signed with JWT_SECRET)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher.verify(password, password_hash)


# Compared against when the user does not exist, so a login takes as long either way.
DUMMY_HASH = hash_password("not-a-real-password-only-for-constant-time")


def issue_token(user_id: int, secret: str, ttl_minutes: int) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=ttl_minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_token(token: str, secret: str) -> int | None:
    """The user id of a valid, unexpired token; None otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
        return int(claims["sub"])
    except (jwt.PyJWTError, ValueError):
        return None
