"""Start-up refuses bad configuration with a one-line reason, before serving anything."""

from __future__ import annotations

import pytest
from conftest import JWT_SECRET, app_env, run_module


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"JWT_SECRET": JWT_SECRET}, "configuration error: DATABASE_URL is required"),
        ({"DATABASE_URL": "postgresql://u@127.0.0.1:1/db"}, "configuration error: JWT_SECRET is required"),
        (
            {"DATABASE_URL": "postgresql://u@127.0.0.1:1/db", "JWT_SECRET": "short-secret"},
            "configuration error: JWT_SECRET must be at least 32 characters (got 12)",
        ),
        (
            {"DATABASE_URL": "mysql://u@h/db", "JWT_SECRET": JWT_SECRET},
            "configuration error: DATABASE_URL must be a postgresql:// URL",
        ),
        (
            {"DATABASE_URL": "postgresql://u@h/db", "JWT_SECRET": JWT_SECRET, "LOG_LEVEL": "LOUD"},
            "configuration error: LOG_LEVEL",
        ),
        (
            {"DATABASE_URL": "postgresql://u@h/db", "JWT_SECRET": JWT_SECRET, "LOGIN_LIMIT_PER_ACCOUNT": "often"},
            "configuration error: LOGIN_LIMIT_PER_ACCOUNT must be a rate such as 10/minute or 10/5minutes",
        ),
        (
            {"DATABASE_URL": "postgresql://u@h/db", "JWT_SECRET": JWT_SECRET, "FORWARDED_ALLOW_IPS": "*"},
            "configuration error: FORWARDED_ALLOW_IPS must list IP addresses or CIDR ranges (got '*')",
        ),
        (
            {"DATABASE_URL": "postgresql://u@h/db", "JWT_SECRET": JWT_SECRET, "CHAT_DEADLINE_SECONDS": "40"},
            "configuration error: GRACEFUL_SHUTDOWN_SECONDS (30) must exceed CHAT_DEADLINE_SECONDS (40)",
        ),
        (
            {"DATABASE_URL": "postgresql://u@h/db", "JWT_SECRET": JWT_SECRET, "MAX_BODY_BYTES": "10"},
            "configuration error: MAX_BODY_BYTES",
        ),
    ],
)
@pytest.mark.parametrize("module", ["todo_api", "todo_api.migrate"])
def test_bad_configuration_stops_the_process_with_one_line(module: str, overrides: dict[str, str], reason: str) -> None:
    result = run_module(module, app_env(**overrides), timeout=30)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(reason)
    assert JWT_SECRET not in result.stderr
