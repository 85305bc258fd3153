"""Configuration from the environment, validated once at start-up.

A missing DATABASE_URL or a JWT_SECRET under 32 characters stops the process with a one-line
reason (see `load_settings`), instead of failing later on the first request.
"""

from __future__ import annotations

import ipaddress
import sys
from typing import Literal

import limits
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_JWT_SECRET = 32


class ConfigError(Exception):
    """Bad configuration; its message is the one line the process prints before exiting."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=True)

    DATABASE_URL: str
    JWT_SECRET: str = Field(repr=False)
    OPENAI_API_KEY: str = Field(default="", repr=False)
    OPENAI_BASE_URL: str | None = None
    OPENAI_MODEL: str = "gpt-4o-mini"
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    ENVIRONMENT: str = "development"
    API_VERSION: str = "v1"
    JWT_TTL_MINUTES: int = Field(default=24 * 60, ge=1)
    PORT: int = Field(default=8000, ge=1, le=65535)
    # Seconds /health waits for the database: under the readiness probe's 3 s timeout.
    HEALTH_TIMEOUT_SECONDS: float = Field(default=2.0, gt=0)

    # The limits (README, "The backend image", lists them with their reasons).
    # Request bodies over this many bytes are refused with 413 before they are read.
    MAX_BODY_BYTES: int = Field(default=64 * 1024, ge=1024)
    # One deadline for a whole /api/chat request, every model round included; then 504. Well
    # under the Ingress' 60 s proxy timeout and under GRACEFUL_SHUTDOWN_SECONDS.
    CHAT_DEADLINE_SECONDS: float = Field(default=25.0, gt=0)
    # SIGTERM: uvicorn stops accepting and gives in-flight requests this long to finish.
    GRACEFUL_SHUTDOWN_SECONDS: int = Field(default=30, ge=1)
    # An idle keep-alive connection is closed after this long. Longer than ingress-nginx keeps
    # idle upstream connections (60 s): otherwise nginx may send a request on a connection the app
    # has just closed, and answer it with a 502.
    KEEP_ALIVE_SECONDS: int = Field(default=75, ge=1)
    # The database: a new connection, a free connection from the pool, one statement (the server
    # cancels it; a server that does not answer at all is given one more second, then the
    # connection is dropped). Past any of them the request is a 503 with Retry-After.
    DB_CONNECT_TIMEOUT_SECONDS: int = Field(default=2, ge=1)
    # A burst waits its turn for a connection: long enough that 50 connections at once on a
    # healthy database all succeed, well within the chat deadline and the proxy's 60 s.
    DB_POOL_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)
    DB_STATEMENT_TIMEOUT_SECONDS: float = Field(default=3.0, gt=0)
    DB_POOL_SIZE: int = Field(default=5, ge=1)
    DB_MAX_OVERFLOW: int = Field(default=5, ge=0)
    # Log-in attempts (limits' notation, "N/period"): failed ones per account (email), and all of
    # them per client address. Past either, 429 with Retry-After. Kept in each process's memory.
    LOGIN_LIMIT_PER_ACCOUNT: str = "10/5minutes"
    LOGIN_LIMIT_PER_CLIENT: str = "30/minute"
    # Sign-ups per client address: each costs an argon2 hash (~0.5 s of CPU) before anything else,
    # so an unlimited sign-up endpoint lets anyone keep the pod's CPU busy.
    SIGNUP_LIMIT_PER_CLIENT: str = "20/hour"
    # Chats per account: each one is paid for at the model service. Past it, 429 with Retry-After,
    # before the model is asked.
    CHAT_LIMIT_PER_ACCOUNT: str = "20/minute"
    # argon2id hashes run on this many threads, off the event loop, at a lower priority. Each takes
    # about half a second of CPU and 64 MiB while it runs; one thread already fills the pod's
    # 500m CPU limit, so more only helps with a higher limit.
    HASH_WORKERS: int = Field(default=1, ge=1, le=16)
    # Proxies whose X-Forwarded-For/-Proto are believed (the ingress controller's pod range),
    # comma-separated addresses or CIDR ranges. Empty: nobody's; the peer address is the client.
    FORWARDED_ALLOW_IPS: str = ""

    @field_validator("DATABASE_URL")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        if not value.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            raise ValueError("must be a postgresql:// URL")
        return value

    @field_validator("JWT_SECRET")
    @classmethod
    def _strong_secret(cls, value: str) -> str:
        if len(value) < MIN_JWT_SECRET:
            raise ValueError(f"must be at least {MIN_JWT_SECRET} characters (got {len(value)})")
        return value

    @field_validator(
        "LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_CLIENT", "SIGNUP_LIMIT_PER_CLIENT", "CHAT_LIMIT_PER_ACCOUNT"
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            limits.parse(value)
        except ValueError:
            raise ValueError(f"must be a rate such as 10/minute or 10/5minutes (got {value!r})") from None
        return value

    @field_validator("FORWARDED_ALLOW_IPS")
    @classmethod
    def _networks(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"must list IP addresses or CIDR ranges (got {entry!r})") from None
        return value

    @model_validator(mode="after")
    def _chats_finish_before_shutdown(self) -> Settings:
        if self.GRACEFUL_SHUTDOWN_SECONDS <= self.CHAT_DEADLINE_SECONDS:
            raise ValueError(
                f"GRACEFUL_SHUTDOWN_SECONDS ({self.GRACEFUL_SHUTDOWN_SECONDS}) must exceed "
                f"CHAT_DEADLINE_SECONDS ({self.CHAT_DEADLINE_SECONDS:g}), so that a rollout lets chats finish"
            )
        return self

    @property
    def trusted_proxies(self) -> list[str]:
        return [part.strip() for part in self.FORWARDED_ALLOW_IPS.split(",") if part.strip()]

    @property
    def libpq_url(self) -> str:
        """The URL as libpq (psycopg) takes it."""
        return "postgresql://" + self.sqlalchemy_url.removeprefix("postgresql+psycopg://")

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with the psycopg 3 driver named, as SQLAlchemy wants it."""
        for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
            if self.DATABASE_URL.startswith(prefix):
                return "postgresql+psycopg://" + self.DATABASE_URL[len(prefix) :]
        return self.DATABASE_URL


def load_settings() -> Settings:
    """Reads and validates the environment; raises ConfigError with a one-line reason."""
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        reason = "is required" if first["type"] == "missing" else first["msg"].removeprefix("Value error, ")
        # A check across fields has no field of its own: its message names them.
        raise ConfigError(" ".join(filter(None, ("configuration error:", field, reason)))) from None


def settings_or_exit() -> Settings:
    """For the entry points: the settings, or the one-line reason on stderr and exit status 2."""
    try:
        return load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
