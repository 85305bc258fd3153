"""Configuration from the environment, validated once at start-up.

A missing DATABASE_URL or a JWT_SECRET under 32 characters stops the process with a one-line
reason (see `load_settings`), instead of failing later on the first request.
"""

from __future__ import annotations

import sys
from typing import Literal

from pydantic import Field, ValidationError, field_validator
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
        raise ConfigError(f"configuration error: {field} {reason}") from None


def settings_or_exit() -> Settings:
    """For the entry points: the settings, or the one-line reason on stderr and exit status 2."""
    try:
        return load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from None
