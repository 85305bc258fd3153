"""The assistant, driven through the real OpenAI client inside the app against a local server
that speaks the chat-completions protocol with tool calls, and misbehaves as a model service can:
hangs, trickles bytes, answers late, answers garbage."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest
from conftest import JWT_SECRET, OPENAI_KEY, AppProcess, app_env, new_user, stack_env
from fake_openai import FakeOpenAI, hang, late, raw, text_reply, tool_reply, trickle


def chat(client: httpx.Client, auth: dict[str, str], message: str, **extra: object) -> httpx.Response:
    return client.post("/api/chat", json={"message": message, **extra}, headers=auth)


def test_adds_a_task_through_a_tool_call(client: httpx.Client, auth: dict[str, str], fake: FakeOpenAI) -> None:
    fake.replies += [
        tool_reply(("add_task", {"title": "Buy milk", "description": "oat"})),
        text_reply("Added 'Buy milk'."),
    ]
    response = chat(client, auth, "remind me to buy milk")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reply"] == "Added 'Buy milk'."
    assert [(c["action"], c["task"]["title"]) for c in body["changes"]] == [("added", "Buy milk")]
    tasks = client.get("/api/tasks", headers=auth).json()["items"]
    assert [(t["title"], t["description"]) for t in tasks] == [("Buy milk", "oat")]

    # What the model was sent: the key, the model, the tools, then the tool result for its call.
    assert fake.headers[0]["authorization"] == f"Bearer {OPENAI_KEY}"
    first, second = fake.requests
    assert first["model"] == "test-model"
    assert {t["function"]["name"] for t in first["tools"]} == {
        "list_tasks",
        "add_task",
        "complete_task",
        "update_task",
        "delete_task",
    }
    assert first["messages"][-1] == {"role": "user", "content": "remind me to buy milk"}
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_0"
    assert "Buy milk" in tool_message["content"]


def test_lists_completes_updates_and_deletes(client: httpx.Client, auth: dict[str, str], fake: FakeOpenAI) -> None:
    a = client.post("/api/tasks", json={"title": "Write report"}, headers=auth).json()
    b = client.post("/api/tasks", json={"title": "Call mum"}, headers=auth).json()
    c = client.post("/api/tasks", json={"title": "Old idea"}, headers=auth).json()
    fake.replies += [
        tool_reply(("list_tasks", {})),
        tool_reply(
            ("complete_task", {"task_id": a["id"]}),
            ("update_task", {"task_id": b["id"], "title": "Call mum on Sunday"}),
            ("delete_task", {"task_id": c["id"]}),
        ),
        text_reply("Done."),
    ]
    body = chat(client, auth, "tidy up my list").json()
    assert [(ch["action"], ch["task"]["id"]) for ch in body["changes"]] == [
        ("completed", a["id"]),
        ("updated", b["id"]),
        ("deleted", c["id"]),
    ]
    listed = fake.requests[1]["messages"][-1]["content"]
    assert "Write report" in listed and "Old idea" in listed
    now = {t["id"]: t for t in client.get("/api/tasks", headers=auth).json()["items"]}
    assert now[a["id"]]["completed"] is True
    assert now[b["id"]]["title"] == "Call mum on Sunday"
    assert c["id"] not in now


def test_cannot_touch_another_users_task(client: httpx.Client, auth: dict[str, str], fake: FakeOpenAI) -> None:
    other = new_user(client)
    theirs = client.post("/api/tasks", json={"title": "Private"}, headers=other).json()
    fake.replies += [tool_reply(("delete_task", {"task_id": theirs["id"]})), text_reply("I could not find it.")]
    body = chat(client, auth, f"delete task {theirs['id']}").json()
    assert body["changes"] == []
    assert "no longer exists" in fake.requests[1]["messages"][-1]["content"]
    assert client.get(f"/api/tasks/{theirs['id']}", headers=other).status_code == 200


def test_bad_tool_arguments_go_back_to_the_model_not_to_a_500(
    client: httpx.Client, auth: dict[str, str], fake: FakeOpenAI
) -> None:
    fake.replies += [
        tool_reply(("add_task", "{not json"), ("add_task", {"title": ""}), ("fly_to_moon", {})),
        text_reply("Sorry."),
    ]
    response = chat(client, auth, "do something odd")
    assert response.status_code == 200
    assert response.json()["changes"] == []
    results = [m["content"] for m in fake.requests[1]["messages"] if m["role"] == "tool"]
    assert len(results) == 3 and all("error" in r for r in results)


def test_history_is_passed_on(client: httpx.Client, auth: dict[str, str], fake: FakeOpenAI) -> None:
    fake.replies.append(text_reply("Yes."))
    history = [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "hi!"}]
    chat(client, auth, "still there?", history=history)
    assert [m["role"] for m in fake.requests[0]["messages"]] == ["system", "user", "assistant", "user"]


def test_an_upstream_failure_is_a_502_with_a_message(
    client: httpx.Client, auth: dict[str, str], fake: FakeOpenAI
) -> None:
    fake.replies += [500, 500, 500]
    response = chat(client, auth, "hello")
    assert response.status_code == 502
    assert "500" in response.json()["detail"]


def test_without_an_api_key_chat_is_503_and_the_rest_works(database_url: str) -> None:
    app = AppProcess(app_env(DATABASE_URL=database_url, JWT_SECRET=JWT_SECRET)).start()
    try:
        with httpx.Client(base_url=app.url, timeout=10) as client:
            auth = new_user(client)
            response = chat(client, auth, "hello")
            assert response.status_code == 503
            assert "OPENAI_API_KEY" in response.json()["detail"]
            assert client.post("/api/tasks", json={"title": "still works"}, headers=auth).status_code == 201
    finally:
        app.stop()


# Under faults: a short deadline keeps these tests quick; the default's bound is in test_manifests.
DEADLINE = 3.0
# Generous: the deadline, plus a loaded machine's slack. Without a total deadline these take
# 60 s (hang: two tries of a 30 s timeout) or minutes (trickle), so the bound still tells.
CEILING = DEADLINE + 12


@pytest.fixture(scope="module")
def short_deadline(database_url: str, fake_openai: FakeOpenAI) -> Iterator[AppProcess]:
    app = AppProcess(
        stack_env(
            database_url,
            fake_openai.url,
            CHAT_DEADLINE_SECONDS=str(DEADLINE),
        )
    ).start()
    yield app
    app.stop()


def timed_chat(app: AppProcess, auth: dict[str, str], message: str) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    response = httpx.post(f"{app.url}/api/chat", json={"message": message}, headers=auth, timeout=120)
    return response, time.monotonic() - start


@pytest.mark.parametrize("fault", ["hangs", "trickles"])
def test_a_stuck_model_service_ends_in_a_504_at_the_deadline(
    short_deadline: AppProcess, fake: FakeOpenAI, fault: str
) -> None:
    with httpx.Client(base_url=short_deadline.url, timeout=10) as client:
        auth = new_user(client)
    fake.replies.append(hang() if fault == "hangs" else trickle(every=1.0))
    response, elapsed = timed_chat(short_deadline, auth, "hello")
    assert response.status_code == 504, response.text
    assert response.json() == {
        "detail": f"The assistant's model service did not answer within {DEADLINE:g} s; nothing was changed",
        "changes": [],
    }
    assert DEADLINE <= elapsed < CEILING, f"504 after {elapsed:.1f} s"


def test_the_deadline_covers_every_round_together(short_deadline: AppProcess, fake: FakeOpenAI) -> None:
    """Two rounds, each under the deadline, together over it: still one deadline; what the first
    round's tool call saved stays saved, and the 504 says so."""
    with httpx.Client(base_url=short_deadline.url, timeout=10) as client:
        auth = new_user(client)
        fake.replies += [
            late(DEADLINE * 0.6, tool_reply(("add_task", {"title": "First round"}))),
            late(DEADLINE * 0.6, text_reply("too late")),
        ]
        response, elapsed = timed_chat(short_deadline, auth, "add a task")
        assert response.status_code == 504, response.text
        body = response.json()
        assert [(c["action"], c["task"]["title"]) for c in body["changes"]] == [("added", "First round")]
        assert f"saved before that: added task {body['changes'][0]['task']['id']}" in body["detail"]
        assert elapsed < CEILING
        assert [t["title"] for t in client.get("/api/tasks", headers=auth).json()["items"]] == ["First round"]


GARBAGE = {
    "html": raw(b"<html><body>502 Bad Gateway</body></html>", "text/html"),
    "not json": raw(b"{this is not json", "application/json"),
    "no choices": raw(json.dumps({"id": "x", "object": "chat.completion"}).encode()),
    "empty choices": raw(json.dumps({"choices": []}).encode()),
    "choices not a list": raw(json.dumps({"choices": {"message": "hi"}}).encode()),
    "null message": raw(json.dumps({"choices": [{"message": None}]}).encode()),
    # One good tool call beside a broken one: the reply is refused whole, nothing is applied.
    "half a tool call": raw(
        json.dumps(
            {
                "choices": [
                    {
                        "message": {
                            "role": "assistant",
                            "tool_calls": [
                                {
                                    "id": "a",
                                    "type": "function",
                                    "function": {"name": "add_task", "arguments": '{"title": "half-applied"}'},
                                },
                                {"id": "b", "type": "function", "function": 42},
                            ],
                        }
                    }
                ]
            }
        ).encode()
    ),
}


@pytest.mark.parametrize("garbage", GARBAGE.values(), ids=GARBAGE.keys())
def test_a_reply_that_is_not_a_chat_completion_is_a_502_and_changes_nothing(
    client: httpx.Client, auth: dict[str, str], fake: FakeOpenAI, garbage
) -> None:
    fake.replies.append(garbage)
    response = chat(client, auth, "add half-applied")
    assert response.status_code == 502, response.text
    assert response.json() == {
        "detail": "The assistant's model service answered something that is not a chat completion; nothing was changed",
        "changes": [],
    }
    assert client.get("/api/tasks", headers=auth).json()["total"] == 0


def busy_connections(database_url: str) -> list[tuple[str, str]]:
    """(state, query) of every other connection to the database that is not idle: in a
    transaction, or running a statement."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        return connection.execute(
            "SELECT state, query FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'"
        ).fetchall()


HUNG_CHATS = 10  # the pool's size (5 + 5 overflow): before, they took every connection


def test_chats_waiting_on_a_hung_model_hold_no_connection_and_starve_no_one(
    app: AppProcess, database_url: str, fake: FakeOpenAI
) -> None:
    with httpx.Client(base_url=app.url, timeout=10) as client:
        waiting = [new_user(client) for _ in range(HUNG_CHATS)]
        other = new_user(client)
    # Each chat's first round adds a task (its own short transaction); the second round hangs.
    fake.responder = lambda body: (
        hang() if body["messages"][-1]["role"] == "tool" else tool_reply(("add_task", {"title": "before the hang"}))
    )
    with ThreadPoolExecutor(HUNG_CHATS) as pool:
        chats = [
            pool.submit(httpx.post, f"{app.url}/api/chat", json={"message": "go"}, headers=auth, timeout=120)
            for auth in waiting
        ]
        fake.wait_for_requests(2 * HUNG_CHATS)  # every chat is in its hung second round
        try:
            assert all(not future.done() for future in chats)
            # Not a transaction is open, so no lock and no connection is held for a chat.
            assert busy_connections(database_url) == []
            # What the tool calls did is already committed, visible to the users now.
            with httpx.Client(base_url=app.url, timeout=10) as client:
                assert client.get("/api/tasks", headers=waiting[0]).json()["total"] == 1
                # Another user is served as usual, reads and writes, within a generous bound.
                start = time.monotonic()
                for _ in range(5):
                    assert client.get("/api/tasks", headers=other).status_code == 200
                    assert client.post("/api/tasks", json={"title": "still works"}, headers=other).status_code == 201
                assert time.monotonic() - start < 10
                assert client.get("/health").json() == {"status": "healthy", "database": "connected"}
        finally:
            fake.release.set()
        assert [future.result().status_code for future in chats] == [200] * HUNG_CHATS


def test_sigterm_lets_an_in_flight_chat_finish(database_url: str, fake: FakeOpenAI) -> None:
    app = AppProcess(stack_env(database_url, fake.url)).start()
    with httpx.Client(base_url=app.url, timeout=10) as client:
        auth = new_user(client)
    fake.replies.append(late(3.0, text_reply("finished after SIGTERM")))
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(httpx.post, f"{app.url}/api/chat", json={"message": "hi"}, headers=auth, timeout=60)
        fake.wait_for_requests(1)
        code, output = app.stop()
        response = answer.result()
    assert response.status_code == 200, output
    assert response.json()["reply"] == "finished after SIGTERM"
    assert code in (0, -signal.SIGTERM), output


def test_a_reply_with_too_many_tool_calls_runs_the_first_twenty_and_refuses_the_rest(
    client: httpx.Client, auth: dict[str, str], fake: FakeOpenAI
) -> None:
    calls = [("add_task", {"title": f"spam {i}"}) for i in range(30)]
    fake.replies += [tool_reply(*calls), text_reply("Added what I could.")]
    body = chat(client, auth, "add thirty tasks").json()
    assert [c["task"]["title"] for c in body["changes"]] == [f"spam {i}" for i in range(20)]
    assert client.get("/api/tasks", headers=auth).json()["total"] == 20
    told = [m["content"] for m in fake.requests[1]["messages"] if m["role"] == "tool"]
    assert len(told) == 30  # every call is answered, as the protocol wants
    assert all("not run: at most 20 tool calls per reply" in t for t in told[20:])


def test_chats_per_account_are_limited_with_retry_after(database_url: str, fake: FakeOpenAI) -> None:
    app = AppProcess(stack_env(database_url, fake.url, CHAT_LIMIT_PER_ACCOUNT="2/minute")).start()
    try:
        with httpx.Client(base_url=app.url, timeout=10) as client:
            auth, other = new_user(client), new_user(client)
            fake.replies += [text_reply("one"), text_reply("two"), text_reply("other")]
            assert [chat(client, auth, "hi").status_code for _ in range(2)] == [200, 200]
            asked = len(fake.requests)
            refused = chat(client, auth, "hi")
            assert refused.status_code == 429
            assert refused.json()["detail"].startswith("Too many chats from this account; try again in")
            assert 1 <= int(refused.headers["retry-after"]) <= 60
            assert len(fake.requests) == asked  # the model was not asked
            assert chat(client, other, "hi").status_code == 200  # another account is not held up
    finally:
        app.stop()


def test_a_reply_larger_than_the_bound_is_a_502_and_changes_nothing(
    client: httpx.Client, auth: dict[str, str], fake: FakeOpenAI
) -> None:
    fake.replies.append(text_reply("x" * 3_000_000))
    response = chat(client, auth, "tell me everything")
    assert response.status_code == 502, response.text
    assert response.json()["detail"].startswith("The assistant's model service answered more than 1048576 bytes")
    assert len(response.content) < 10_000
    assert client.get("/api/tasks", headers=auth).json()["total"] == 0
