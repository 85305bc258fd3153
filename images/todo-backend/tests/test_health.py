"""Probes: /health is the readiness contract, /livez never touches the database, and an outage
(stopped or hung database) turns /health into a 503 within the readiness probe's 3 s timeout."""

from __future__ import annotations

import time

import httpx
import pytest
from conftest import JWT_SECRET, AppProcess, app_env
from postgres import PostgresServer

READINESS_TIMEOUT = 3.0


def test_health_reports_the_database_connected(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "database": "connected"}


def test_livez_answers(client: httpx.Client) -> None:
    assert client.get("/livez").status_code == 200


@pytest.fixture
def outage() -> PostgresServer:
    """A database of its own, so that breaking it leaves the other tests alone."""
    server = PostgresServer()
    server.start()
    yield server
    server.destroy()


def timed_get(url: str) -> tuple[int, float, dict]:
    start = time.monotonic()
    response = httpx.get(url, timeout=10)
    return response.status_code, time.monotonic() - start, response.json()


@pytest.mark.parametrize("how", ["stopped", "hung"])
def test_health_answers_503_in_time_when_the_database_is_down(outage: PostgresServer, how: str) -> None:
    app = AppProcess(app_env(DATABASE_URL=outage.url(), JWT_SECRET=JWT_SECRET)).start()
    try:
        assert timed_get(f"{app.url}/health")[0] == 200
        outage.stop() if how == "stopped" else outage.freeze()
        try:
            status, elapsed, body = timed_get(f"{app.url}/health")
            assert status == 503
            assert body == {"status": "unhealthy", "database": "disconnected"}
            assert elapsed < READINESS_TIMEOUT, f"/health took {elapsed:.2f} s"
            # Liveness is unaffected: an outage must not restart the pods.
            assert httpx.get(f"{app.url}/livez", timeout=READINESS_TIMEOUT).status_code == 200
        finally:
            outage.start() if how == "stopped" else outage.thaw()
        # And it recovers on its own once the database is back.
        deadline = time.monotonic() + 15
        while timed_get(f"{app.url}/health")[0] != 200:
            assert time.monotonic() < deadline, "health did not recover"
            time.sleep(0.2)
    finally:
        app.stop()
