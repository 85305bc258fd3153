"""Fixtures: a real PostgreSQL, the migrated schema, the app as a real process on a loopback
port, and the chat-completions stand-in. Tests talk to the app over HTTP only."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_openai import FakeOpenAI
from postgres import PostgresServer, free_port, wait_for

BACKEND = Path(__file__).resolve().parents[1]
JWT_SECRET = secrets.token_urlsafe(48)  # made per run: no secret is written down
OPENAI_KEY = "local-stand-in-key"


def app_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DATABASE_", "JWT_"))}
    env["PYTHONPATH"] = str(BACKEND / "src")
    env["PYTHONUNBUFFERED"] = "1"
    # Suites sign up far more accounts from one address than people do; the limit has its own tests.
    env["SIGNUP_LIMIT_PER_CLIENT"] = "10000/minute"
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def stack_env(database_url: str, model_url: str, **overrides: str) -> dict[str, str]:
    """The app's environment against a database and a model server (the OpenAI stand-in)."""
    return app_env(
        DATABASE_URL=database_url,
        JWT_SECRET=JWT_SECRET,
        OPENAI_API_KEY=OPENAI_KEY,
        OPENAI_BASE_URL=model_url,
        **overrides,
    )


def run_module(module: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=timeout)


@dataclass
class AppProcess:
    """`python -m todo_api` as the image runs it, on a free loopback port."""

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    log: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppProcess:
        # Output goes to a file, not a pipe: a pipe nobody reads fills up and blocks the app.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "todo_api"],
            env={**self.env, "PORT": str(self.port)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )

        def alive() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"app exited: {self.log.read()}")
            try:
                return httpx.get(f"{self.url}/livez", timeout=0.5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(alive, timeout=30)
        return self

    def records(self) -> list[dict[str, Any]]:
        """What it has logged so far, one JSON object per line."""
        self.log.flush()
        self.log.seek(0)
        lines = self.log.read().splitlines()
        self.log.seek(0, os.SEEK_END)
        return [json.loads(line) for line in lines if line.startswith("{")]

    def stop(self) -> tuple[int, str]:
        """SIGTERM, as the kubelet sends it; returns the exit code and everything it logged."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        return self.process.returncode, output


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def database_url(postgres: PostgresServer) -> str:
    url = postgres.create_database("todo")
    result = run_module("todo_api.migrate", app_env(DATABASE_URL=url, JWT_SECRET=JWT_SECRET))
    assert result.returncode == 0, result.stderr
    return url


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def app(database_url: str, fake_openai: FakeOpenAI) -> Iterator[AppProcess]:
    process = AppProcess(
        stack_env(
            database_url,
            fake_openai.url,
            OPENAI_MODEL="test-model",
            LOG_LEVEL="INFO",
            # The suite logs in far more often than a person; the limits have tests of their own.
            LOGIN_LIMIT_PER_ACCOUNT="10000/minute",
            LOGIN_LIMIT_PER_CLIENT="10000/minute",
        )
    ).start()
    yield process
    process.stop()


@pytest.fixture
def client(app: AppProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=app.url, timeout=10) as c:
        yield c


@pytest.fixture
def fake(fake_openai: FakeOpenAI) -> Iterator[FakeOpenAI]:
    fake_openai.reset()
    yield fake_openai
    fake_openai.reset()  # and whatever still hangs ends now


def new_user(client: httpx.Client, password: str = "correct horse battery") -> dict[str, str]:
    """Signs a fresh user up; returns the Authorization header."""
    email = f"user-{uuid.uuid4().hex[:12]}@example.com"
    response = client.post("/api/auth/signup", json={"email": email, "password": password, "name": "Test"})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def auth(client: httpx.Client) -> dict[str, str]:
    return new_user(client)
