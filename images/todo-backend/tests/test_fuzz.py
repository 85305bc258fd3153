"""Property-based: schemathesis generates requests from the app's own OpenAPI document, valid ones
and ones that break the schema (bodies, paths, queries), and sends them to the running app. None
may answer 5xx.

Driven through Hypothesis directly: schemathesis' pytest plugin does not run under pytest 9."""

from __future__ import annotations

import httpx
import pytest
from conftest import AppProcess, new_user
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, openapi


@pytest.fixture(scope="session")
def fuzz_auth(app: AppProcess) -> dict[str, str]:
    with httpx.Client(base_url=app.url, timeout=10) as client:
        headers = new_user(client)
        # Something for generated task ids to find.
        client.post("/api/tasks", json={"title": "fuzz target"}, headers=headers)
        return headers


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_request_gets_a_server_error(app: AppProcess, fuzz_auth: dict[str, str], mode: GenerationMode) -> None:
    schema = openapi.from_url(f"{app.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case) -> None:
            response = case.call(headers=fuzz_auth, timeout=10)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} {case.body!r} -> {response.status_code}: {response.text}"
            )

        try:
            no_server_error()
        except Unsatisfiable:
            # An operation with no input (GET /health) has nothing to make invalid.
            assert mode is GenerationMode.NEGATIVE, operation.label
