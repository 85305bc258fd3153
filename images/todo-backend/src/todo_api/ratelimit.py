"""Log-in and sign-up limits (the `limits` library, moving windows kept in this process's memory).

- Log-ins per client address: every attempt counts (each costs an argon2 hash),
  LOGIN_LIMIT_PER_CLIENT. The address is the peer's, or the one a trusted proxy forwarded
  (FORWARDED_ALLOW_IPS): a client cannot pick its own with X-Forwarded-For.
- Log-ins per account: failed attempts count, LOGIN_LIMIT_PER_ACCOUNT, whether the account exists
  or not (so the limit tells nothing about which emails have accounts).
- Sign-ups per client address: every attempt counts (each costs an argon2 hash too),
  SIGNUP_LIMIT_PER_CLIENT.
- Chats per account: every chat counts (each is paid for at the model service),
  CHAT_LIMIT_PER_ACCOUNT.

Refused attempts are answered 429 with Retry-After before the database or a hash is touched.
Each replica counts on its own: with N replicas a client gets up to N times the limit.
"""

from __future__ import annotations

import math
import time

import limits
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter


class AuthLimits:
    def __init__(
        self, per_account: str, per_client: str, signups_per_client: str, chats_per_account: str = "20/minute"
    ) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._account = limits.parse(per_account)
        self._client = limits.parse(per_client)
        self._signups = limits.parse(signups_per_client)
        self._chats = limits.parse(chats_per_account)

    async def _retry_after(self, item: limits.RateLimitItem, *key: str) -> int:
        stats = await self._limiter.get_window_stats(item, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def client_attempt(self, address: str) -> int | None:
        """Counts an attempt from this address; seconds to wait if it is one too many."""
        if await self._limiter.hit(self._client, "client", address):
            return None
        return await self._retry_after(self._client, "client", address)

    async def account_blocked(self, email: str) -> int | None:
        """Seconds to wait if this account has had too many failed attempts, else None."""
        if await self._limiter.test(self._account, "account", email):
            return None
        return await self._retry_after(self._account, "account", email)

    async def account_failed(self, email: str) -> None:
        await self._limiter.hit(self._account, "account", email)

    async def signup_attempt(self, address: str) -> int | None:
        """Counts a sign-up from this address; seconds to wait if it is one too many."""
        if await self._limiter.hit(self._signups, "signup", address):
            return None
        return await self._retry_after(self._signups, "signup", address)

    async def chat_attempt(self, user_id: int) -> int | None:
        """Counts a chat of this account (each is paid for); seconds to wait if it is one too many."""
        if await self._limiter.hit(self._chats, "chat", str(user_id)):
            return None
        return await self._retry_after(self._chats, "chat", str(user_id))
