"""The assistant, driven through the real OpenAI client inside the app against a local server
that speaks the chat-completions protocol with tool calls."""

from __future__ import annotations

import httpx
from conftest import JWT_SECRET, OPENAI_KEY, AppProcess, app_env, new_user
from fake_openai import FakeOpenAI, text_reply, tool_reply


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
    assert "not found" in fake.requests[1]["messages"][-1]["content"]
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
