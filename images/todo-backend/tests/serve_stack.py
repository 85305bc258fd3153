"""The backend stack for the frontend's end-to-end test: a real PostgreSQL, the migrated schema,
the app on a loopback port, and the chat-completions stand-in answering "add <title>" with an
add_task tool call. Prints one JSON line with the backend's URL when ready; stops everything
when its standard input closes or it gets SIGTERM.

    images/todo-backend/.venv/bin/python images/todo-backend/tests/serve_stack.py
"""

from __future__ import annotations

import json
import signal
import sys
from typing import Any

from conftest import AppProcess, run_module, stack_env
from fake_openai import FakeOpenAI, text_reply, tool_reply
from postgres import PostgresServer


def respond(body: dict[str, Any]) -> dict[str, Any]:
    last = body["messages"][-1]
    if last["role"] == "tool":
        done = json.loads(last["content"])
        title = done.get("added", {}).get("title", "that")
        return text_reply(f"Done: I added “{title}”.")
    text = str(last.get("content", ""))
    if text.lower().startswith("add "):
        return tool_reply(("add_task", {"title": text[4:].strip()}))
    return text_reply("I can add tasks: say “add <title>”.")


def stop(*_: object) -> None:
    raise SystemExit(0)


def main() -> int:
    postgres = PostgresServer()
    fake = FakeOpenAI()
    fake.responder = respond
    app = None
    try:
        postgres.start()
        url = postgres.create_database("todo")
        env = stack_env(
            url,
            fake.url,
            OPENAI_MODEL="e2e",
            # A browser suite logs in from one address far more often than a person does.
            LOGIN_LIMIT_PER_CLIENT="1000/minute",
        )
        migrated = run_module("todo_api.migrate", env)
        if migrated.returncode != 0:
            print(migrated.stderr, file=sys.stderr)
            return 1
        app = AppProcess(env).start()
        print(json.dumps({"backend": app.url}), flush=True)
        signal.signal(signal.SIGTERM, stop)
        sys.stdin.read()
        return 0
    finally:
        if app is not None:
            app.stop()
        fake.close()
        postgres.destroy()


if __name__ == "__main__":
    sys.exit(main())
