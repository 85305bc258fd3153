"""A local HTTP server that speaks OpenAI's chat-completions protocol, tool calls included.

The OpenAI API is outside this machine; this stand-in lets the tests drive the real `openai`
client inside the app. Each test queues the replies the "model" gives, in order, and reads back
every request the app sent. Besides replies, it can misbehave as a real service does: hang
(`hang()`), trickle its answer a byte at a time (`trickle()`), answer late (`late()`), or answer
200 with anything at all (`raw()`). Whatever waits stops when the test's `release` is set.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A reply that writes the response itself: (the request handler, the fake, the request body).
Behaviour = Callable[[Any, "FakeOpenAI", dict[str, Any]], None]


def text_reply(content: str) -> dict[str, Any]:
    return {"role": "assistant", "content": content}


def tool_reply(*calls: tuple[str, dict[str, Any] | str]) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": f"call_{i}",
                "type": "function",
                "function": {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args)},
            }
            for i, (name, args) in enumerate(calls)
        ],
    }


def completion(body: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
    finish = "tool_calls" if reply.get("tool_calls") else "stop"
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": reply, "finish_reason": finish}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def hang(then: dict[str, Any] | None = None) -> Behaviour:
    """Answers nothing until the test releases it; then `then` (a text reply by default)."""

    def behave(handler: Any, fake: FakeOpenAI, body: dict[str, Any]) -> None:
        fake.release.wait(timeout=600)
        handler._send(200, completion(body, then or text_reply("(released)")))

    return behave


def late(seconds: float, reply: dict[str, Any]) -> Behaviour:
    """Answers `reply`, after `seconds`."""

    def behave(handler: Any, fake: FakeOpenAI, body: dict[str, Any]) -> None:
        fake.release.wait(timeout=seconds)
        handler._send(200, completion(body, reply))

    return behave


def trickle(every: float = 1.0) -> Behaviour:
    """A valid answer whose headers come at once and whose body comes one byte every `every`
    seconds: each read is quick, so only a deadline on the whole request stops it."""

    def behave(handler: Any, fake: FakeOpenAI, body: dict[str, Any]) -> None:
        data = json.dumps(completion(body, text_reply("x" * 200))).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        for i in range(len(data)):
            handler.wfile.write(data[i : i + 1])
            handler.wfile.flush()
            if fake.release.wait(timeout=every):
                return

    return behave


def raw(data: bytes, content_type: str = "application/json", status: int = 200) -> Behaviour:
    """Answers exactly these bytes."""

    def behave(handler: Any, fake: FakeOpenAI, body: dict[str, Any]) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return behave


class FakeOpenAI:
    def __init__(self) -> None:
        self.replies: list[dict[str, Any] | int | Behaviour] = []
        # When no reply is queued: a function of the request body that gives one.
        self.responder: Callable[[dict[str, Any]], dict[str, Any] | Behaviour] | None = None
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        # Set to end every hang and trickle at once.
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path != "/v1/chat/completions":
                    return self._send(
                        404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}}
                    )
                if fake.replies:
                    reply = fake.replies.pop(0)
                elif fake.responder is not None:
                    reply = fake.responder(body)
                else:
                    reply = text_reply("(no reply queued)")
                if isinstance(reply, int):
                    return self._send(reply, {"error": {"message": "upstream failure", "type": "server_error"}})
                if callable(reply):
                    try:
                        return reply(self, fake, body)
                    except (BrokenPipeError, ConnectionResetError):
                        return None  # the app gave up on this request: that is the point
                self._send(200, completion(body, reply))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        self.release.set()  # whatever an earlier test left hanging ends now
        self.replies.clear()
        self.requests.clear()
        self.headers.clear()
        self.responder = None
        self.release = threading.Event()

    def wait_for_requests(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the model got {len(self.requests)} requests, not {count}")
            time.sleep(0.02)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
