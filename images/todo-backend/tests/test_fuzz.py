"""Property-based: a schemathesis run with every check, against the running app and its own
OpenAPI document. All phases run: examples, coverage (boundary values of every constraint),
fuzzing (valid and schema-breaking requests) and stateful (create, then read, change and delete
what was created, following the links it infers). It must report nothing: no 5xx, no status,
header, content type or body the document does not list, no valid request refused and no
invalid one accepted, no method or authentication gap.

The one setting: a body over the size limit is a rejection too, so 413 counts as refusing
schema-breaking data (schemathesis' default list of rejections leaves it out).

Run through the `schemathesis` command: its pytest plugin does not run under pytest 9."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from conftest import AppProcess, new_user
from fake_openai import FakeOpenAI

CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
"""


def test_a_schemathesis_run_with_every_check_reports_nothing(app: AppProcess, fake: FakeOpenAI, tmp_path: Path) -> None:
    with httpx.Client(base_url=app.url, timeout=10) as client:
        auth = new_user(client)
        # Something for generated task ids to find.
        client.post("/api/tasks", json={"title": "fuzz target"}, headers=auth)
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(tmp_path / "schemathesis.toml"),
        "run",
        f"{app.url}/api/openapi.json",
        "--checks",
        "all",
        "--mode",
        "all",
        "--header",
        f"Authorization: {auth['Authorization']}",
        "--max-examples",
        "30",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
        "--no-color",
    ]
    run = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    # It did test: every operation, in every phase it has something for.
    assert "Operations:       11 selected / 11 total" in run.stdout, run.stdout
    assert "Tested: 11" in run.stdout, run.stdout
