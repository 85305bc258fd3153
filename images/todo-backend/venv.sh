#!/usr/bin/env bash
# Makes images/todo-backend/.venv hold exactly requirements-dev.txt (hashes required), rebuilding
# it when that file changes. Used by the backend's tests and by the frontend's end-to-end test.
set -euo pipefail
cd "$(dirname "$0")"
python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "the backend needs Python 3.11 (the image's python:3.11-slim); none found" >&2
  exit 1
fi
stamp=.venv/.requirements-dev.sha256
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf .venv
  "$python" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
  echo "$want" >"$stamp"
fi
