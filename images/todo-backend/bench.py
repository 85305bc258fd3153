"""Benchmark: requests/s and latency for GET and POST /api/tasks at 20 concurrent connections,
against the real app (uvicorn, as the image runs it) and a real PostgreSQL; then the same while
10 chats wait on a model service that hangs. Prints the figures as a Markdown table.

    bash images/todo-backend/bench.sh [--seconds 5] [--rounds 3] [--connections 20] [--chats 10]

It starts and stops everything itself: PostgreSQL from the same binaries as the tests, the app
on a loopback port, and the tests' stand-in for the model service (it hangs every chat until
the end). Exits 1 if a figure under waiting chats falls below half the one without, or if any
request failed. Not a test: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

from conftest import AppProcess, run_module, stack_env
from fake_openai import FakeOpenAI, hang
from postgres import PostgresServer


@dataclass
class Figures:
    label: str
    requests: int
    failures: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    def row(self) -> str:
        return (
            f"| {self.label} | {self.rate:,.0f} | {self.percentile(50):.1f} | {self.percentile(99):.1f} "
            f"| {self.failures} |"
        )


async def load(client: httpx.AsyncClient, label: str, method: str, auth: dict, seconds: float, connections: int):
    latencies: list[float] = []
    failures = 0
    stop = time.monotonic() + seconds

    async def worker(n: int) -> None:
        nonlocal failures
        i = 0
        while time.monotonic() < stop:
            i += 1
            start = time.monotonic()
            if method == "GET":
                response = await client.get("/api/tasks", headers=auth)
            else:
                response = await client.post("/api/tasks", json={"title": f"bench {n}-{i}"}, headers=auth)
            latencies.append(time.monotonic() - start)
            failures += response.status_code >= 400

    began = time.monotonic()
    await asyncio.gather(*(worker(n) for n in range(connections)))
    return Figures(label, len(latencies), failures, time.monotonic() - began, latencies)


async def bench(url: str, fake: FakeOpenAI, seconds: float, connections: int, chats: int, rounds: int) -> list[Figures]:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def user() -> dict[str, str]:
            email = f"bench-{time.monotonic_ns()}@example.com"
            signed = await client.post("/api/auth/signup", json={"email": email, "password": "bench password"})
            return {"Authorization": f"Bearer {signed.json()['access_token']}"}

        # The reader has a full first page and no more, in every run; the writer's tasks grow.
        reader, writer = await user(), await user()
        for i in range(20):
            await client.post("/api/tasks", json={"title": f"seed {i}"}, headers=reader)
        chatters = [await user() for _ in range(chats)]
        await load(client, "warm-up", "GET", reader, 2, connections)

        label = f"while {chats} chats wait"
        totals = {
            name: Figures(name, 0, 0, 0.0, [])
            for name in ("GET /api/tasks", "POST /api/tasks", f"GET /api/tasks, {label}", f"POST /api/tasks, {label}")
        }

        def add(figures: Figures) -> None:
            total = totals[figures.label]
            total.requests += figures.requests
            total.failures += figures.failures
            total.seconds += figures.seconds
            total.latencies += figures.latencies

        # Rounds with and without waiting chats take turns, so that a machine whose load
        # drifts weighs on both alike.
        for _ in range(rounds):
            add(await load(client, "GET /api/tasks", "GET", reader, seconds, connections))
            add(await load(client, "POST /api/tasks", "POST", writer, seconds, connections))
            fake.reset()
            fake.responder = lambda body: hang()
            async with httpx.AsyncClient(base_url=url, timeout=600) as chat_client:
                waiting = [
                    asyncio.create_task(chat_client.post("/api/chat", json={"message": "hi"}, headers=who))
                    for who in chatters
                ]
                await asyncio.to_thread(fake.wait_for_requests, chats)
                add(await load(client, f"GET /api/tasks, {label}", "GET", reader, seconds, connections))
                add(await load(client, f"POST /api/tasks, {label}", "POST", writer, seconds, connections))
                if any(task.done() for task in waiting):
                    raise SystemExit("a chat ended during the measurement: the figures are not under waiting chats")
                fake.release.set()
                answers = await asyncio.gather(*waiting)
                if any(answer.status_code != 200 for answer in answers):
                    raise SystemExit(f"a chat failed: {[a.status_code for a in answers]}")
    return list(totals.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5, help="length of each measurement (5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the four measurements (3)")
    parser.add_argument("--connections", type=int, default=20, help="concurrent connections (20)")
    parser.add_argument("--chats", type=int, default=10, help="chats waiting on the hung model (10)")
    args = parser.parse_args()

    postgres, fake, app = PostgresServer(), FakeOpenAI(), None
    try:
        postgres.start()
        url = postgres.create_database("bench")
        env = stack_env(
            url,
            fake.url,
            LOG_LEVEL="WARNING",
            # The chats must outwait the measurements.
            CHAT_DEADLINE_SECONDS="300",
            GRACEFUL_SHUTDOWN_SECONDS="310",
        )
        migrated = run_module("todo_api.migrate", env)
        if migrated.returncode != 0:
            print(migrated.stderr, file=sys.stderr)
            return 1
        app = AppProcess(env).start()
        results = asyncio.run(bench(app.url, fake, args.seconds, args.connections, args.chats, args.rounds))
    finally:
        if app is not None:
            app.stop()
        fake.close()
        postgres.destroy()

    each = f"{args.rounds} x {args.seconds:g} s each"
    print(f"{args.connections} connections, {each}, one uvicorn process, PostgreSQL 17 on loopback\n")
    print("| requests | requests/s | p50 ms | p99 ms | failed |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for figures in results:
        print(figures.row())
    ratios = [results[i + 2].rate / results[i].rate for i in range(2)]
    print(f"\nunder waiting chats: GET at {ratios[0]:.0%}, POST at {ratios[1]:.0%} of the rate without")
    failed = sum(f.failures for f in results)
    if failed or min(ratios) < 0.5:
        print("FAILED: a request failed, or a rate under waiting chats fell below half", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
