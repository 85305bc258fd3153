#!/usr/bin/env bash
# The frontend's tests, as `npm test` runs them: install (npm ci, when the lockfile changed),
# production build, type-check, then vitest: the client's unit tests (messages, limits, design
# tokens), the manifest agreement test, the end-to-end test in headless Chromium against the
# real backend and PostgreSQL, and Lighthouse (Accessibility and Best Practices 100).
set -euo pipefail
cd "$(dirname "$0")"
repo=$(cd ../.. && pwd)
# The project's pinned Node (the npm package `node` at the repository root), as npm scripts get it.
[ -d "$repo/node_modules/.bin" ] && export PATH="$repo/node_modules/.bin:$PATH"
export NEXT_TELEMETRY_DISABLED=1

# Debian's Chromium: a test tool's own browser download cannot work here.
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the end-to-end test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "the end-to-end test needs Chromium: install Debian's 'chromium' or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
export CHROMIUM_PATH=${CHROMIUM_PATH:-$(command -v chromium)}

stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi
../todo-backend/venv.sh
npm run build
# After the build, which writes next-env.d.ts and the route types tsc checks against.
npx tsc --noEmit
exec npx vitest run "$@"
