"""The app as the kubelet sees it: a process on a port that answers its probes, logs JSON at
LOG_LEVEL, and shuts down cleanly on SIGTERM."""

from __future__ import annotations

import json
import signal

import httpx
from conftest import JWT_SECRET, AppProcess, app_env

CLEAN_EXIT = (0, -signal.SIGTERM)


def test_probes_json_logs_and_clean_sigterm(database_url: str) -> None:
    app = AppProcess(app_env(DATABASE_URL=database_url, JWT_SECRET=JWT_SECRET, LOG_LEVEL="INFO")).start()
    # What the kubelet sends: plain GETs with its own user agent and a short timeout.
    headers = {"User-Agent": "kube-probe/1.34"}
    assert httpx.get(f"{app.url}/livez", headers=headers, timeout=1).status_code == 200
    assert httpx.get(f"{app.url}/health", headers=headers, timeout=3).status_code == 200
    code, output = app.stop()
    # uvicorn finishes in-flight requests and the lifespan, then re-raises SIGTERM so the exit
    # status tells how it ended: 0 or "terminated by SIGTERM" are both a clean stop.
    assert code in CLEAN_EXIT, output
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert records, output
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    messages = [r["message"] for r in records]
    assert "started" in messages and "stopped" in messages
    assert JWT_SECRET not in output


def test_log_level_hides_info_at_warning(database_url: str) -> None:
    app = AppProcess(app_env(DATABASE_URL=database_url, JWT_SECRET=JWT_SECRET, LOG_LEVEL="WARNING")).start()
    httpx.get(f"{app.url}/livez", timeout=1)
    code, output = app.stop()
    assert code in CLEAN_EXIT, output
    levels = {json.loads(line)["level"] for line in output.splitlines() if line.startswith("{")}
    assert levels <= {"WARNING", "ERROR", "CRITICAL"}
