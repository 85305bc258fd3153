#!/usr/bin/env bash
# The backend's benchmark (bench.py): the hashed virtualenv (venv.sh), then the figures.
# PostgreSQL comes from the binaries `npm ci` installed at the repository root, as for the tests.
set -euo pipefail
cd "$(dirname "$0")"
./venv.sh
exec .venv/bin/python bench.py "$@"
