"""Passwords (argon2id, via pwdlib) and access tokens (HS256 JWTs signed with JWT_SECRET)."""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()
ALGORITHM = "HS256"
# User ids are PostgreSQL `integer`s: a token naming a larger one names nobody.
MAX_USER_ID = 2**31 - 1


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher.verify(password, password_hash)


# Niceness of the hashing threads (Linux keeps it per thread; argon2's own threads inherit it).
HASH_NICENESS = 10


def _yield_cpu() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICENESS)
    except OSError:  # not allowed here: hashing still runs off the loop, at the same priority
        pass


# Compared against when the user does not exist, so a login takes as long either way.
DUMMY_HASH = hash_password("not-a-real-password-only-for-constant-time")


class Passwords:
    """Hashing and checking off the event loop, on a bounded pool of threads.

    An argon2id hash takes a few hundred milliseconds of CPU and 64 MiB of memory; on the event
    loop a burst of log-ins would stall every other request, /livez and /health included. argon2
    releases the GIL, so the loop keeps serving; the pool's size bounds the CPU and memory a burst
    can take (further log-ins queue for a thread), and its threads run at a lower priority, so
    that on a busy CPU the event loop (every other request, and the probes) goes first.
    """

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2", initializer=_yield_cpu)

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._pool, hash_password, password)

    async def verify(self, password: str, password_hash: str) -> bool:
        return await asyncio.get_running_loop().run_in_executor(self._pool, verify_password, password, password_hash)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def issue_token(user_id: int, secret: str, ttl_minutes: int) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=ttl_minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_token(token: str, secret: str) -> int | None:
    """The user id of a valid, unexpired token; None otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    return user_id if 1 <= user_id <= MAX_USER_ID else None
