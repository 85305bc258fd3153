#!/usr/bin/env bash
# The backend's test suite, as `npm test` runs it: the hashed virtualenv (venv.sh), ruff (lint and
# format), then pytest.
# The tests start their own PostgreSQL from the binaries `npm ci` installed at the repository root.
set -euo pipefail
cd "$(dirname "$0")"
./venv.sh
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
exec .venv/bin/python -m pytest "$@"
