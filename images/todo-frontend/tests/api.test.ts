/**
 * The browser client against a real HTTP server on loopback: what it sends, and what it keeps of
 * every failure (tests/messages.test.ts turns those into words).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiClient, ApiError, applyChanges, retryAfterSeconds, type Task } from "../lib/api";
import { EARLY_TASKS_SCRIPT, SESSION_KEY, takeEarlyTasks } from "../lib/early-tasks";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}
let server: Server;
let base: string;
let seen: Seen[] = [];
let reply: { status: number; body?: string; type?: string; headers?: Record<string, string> } = {
  status: 200,
  body: "{}",
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.writeHead(reply.status, {
        "Content-Type": reply.type ?? "application/json",
        ...reply.headers,
      });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  reply = { status: 200, body: "{}" };
});

const client = (token: string | null = "tok") => new ApiClient({ base, token: () => token });

describe("ApiClient", () => {
  it("calls relative /api paths with the bearer token and a JSON body", async () => {
    reply = { status: 201, body: JSON.stringify({ id: 1, title: "Milk" }) };
    const task = await client().addTask("Milk", "oat");
    expect(task).toEqual({ id: 1, title: "Milk" });
    expect(seen[0]).toMatchObject({ method: "POST", url: "/api/tasks" });
    expect(seen[0]?.headers.authorization).toBe("Bearer tok");
    expect(seen[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual({ title: "Milk", description: "oat" });
  });

  it("sends no Authorization header when signed out", async () => {
    reply = {
      status: 200,
      body: JSON.stringify({ access_token: "t", user: { id: 1, email: "a@b.c", name: "" } }),
    };
    await client(null).logIn("a@b.c", "pw");
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it("pages the task list and handles 204 on delete", async () => {
    reply = { status: 200, body: JSON.stringify({ items: [], total: 0, limit: 5, offset: 10 }) };
    await client().listTasks({ limit: 5, offset: 10 });
    expect(seen[0]?.url).toBe("/api/tasks?limit=5&offset=10");
    reply = { status: 204 };
    await expect(client().deleteTask(7)).resolves.toBeUndefined();
    expect(seen[1]).toMatchObject({ method: "DELETE", url: "/api/tasks/7" });
  });

  it("keeps what the server said as data: status, detail, field problems", async () => {
    reply = {
      status: 422,
      body: JSON.stringify({
        detail: "title: String should have at least 1 character",
        errors: ["title: String should have at least 1 character"],
      }),
    };
    const error = await client()
      .addTask(" ")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      detail: "title: String should have at least 1 character",
      problems: ["title: String should have at least 1 character"],
      retryAfter: null,
    });
  });

  it("reads Retry-After (seconds or a date) and a chat's saved changes", async () => {
    reply = {
      status: 429,
      body: JSON.stringify({ detail: "Too many" }),
      headers: { "Retry-After": "120" },
    };
    await expect(client().logIn("a@b.c", "pw")).rejects.toMatchObject({
      status: 429,
      retryAfter: 120,
    });
    const change = { action: "added", task: { id: 3, title: "x" } };
    reply = { status: 504, body: JSON.stringify({ detail: "late", changes: [change] }) };
    await expect(client().chat("hi")).rejects.toMatchObject({ status: 504, changes: [change] });
    expect(retryAfterSeconds(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThan(25);
    expect(retryAfterSeconds("soon")).toBeNull();
    expect(retryAfterSeconds(null)).toBeNull();
  });

  it.each([
    [401, "<html>nope</html>"],
    [502, "<html><h1>502 Bad Gateway</h1></html>"],
    [503, ""],
    [500, "Internal Server Error"],
  ])("takes a %d without a JSON body", async (status, body) => {
    reply = { status, body, type: "text/html" };
    await expect(client().listTasks()).rejects.toMatchObject({ status, detail: "" });
  });

  it("says 0 when the network fails", async () => {
    const offline = new ApiClient({ base: "http://127.0.0.1:1" });
    await expect(offline.listTasks()).rejects.toMatchObject({ status: 0 });
  });

  it("sends a delete with keepalive when asked (it outlives the page)", async () => {
    reply = { status: 204 };
    await expect(client().deleteTask(9, { keepalive: true })).resolves.toBeUndefined();
    expect(seen[0]).toMatchObject({ method: "DELETE", url: "/api/tasks/9" });
  });
});

describe("applyChanges", () => {
  const task = (id: number, title: string, completed = false): Task => ({
    id,
    title,
    description: "",
    completed,
    created_at: "",
    updated_at: "",
  });

  it("adds on top, replaces updated and completed tasks, removes deleted ones", () => {
    const start = [task(2, "b"), task(1, "a")];
    const next = applyChanges(start, [
      { action: "added", task: task(3, "c") },
      { action: "completed", task: task(1, "a", true) },
      { action: "updated", task: task(2, "B") },
      { action: "deleted", task: task(3, "c") },
    ]);
    expect(next).toEqual([task(2, "B"), task(1, "a", true)]);
    expect(start.map((t) => t.title)).toEqual(["b", "a"]);
  });
});

describe("the task screen's early request (lib/early-tasks.ts)", () => {
  /** Runs the inline script as the browser would, in a window with this session stored. */
  function runScript(stored: string | null): Window {
    const fakeWindow = {
      sessionStorage: { getItem: (key: string) => (key === SESSION_KEY ? stored : null) },
    } as unknown as Window;
    const relativeFetch = (url: string, init: RequestInit) => fetch(`${base}${url}`, init);
    new Function("window", "fetch", EARLY_TASKS_SCRIPT)(fakeWindow, relativeFetch);
    return fakeWindow;
  }
  const session = JSON.stringify({
    access_token: "tok",
    user: { id: 1, email: "a@b.c", name: "" },
  });

  it("sends exactly the request the client sends for the first page", async () => {
    reply = { status: 200, body: JSON.stringify({ items: [], total: 0, limit: 100, offset: 0 }) };
    const early = runScript(session).__todoEarlyTasks;
    await early?.response;
    await client().listTasks();
    const [script, own] = seen;
    expect(script?.url).toBe(own?.url);
    expect(script?.method).toBe("GET");
    for (const header of ["authorization", "accept"])
      expect(script?.headers[header], header).toBe(own?.headers[header]);
  });

  it("is read like any answer: the page, or the same ApiError", async () => {
    const globals = globalThis as { window?: Window };
    try {
      reply = { status: 200, body: JSON.stringify({ items: [], total: 0, limit: 100, offset: 0 }) };
      globals.window = runScript(session);
      const sent = takeEarlyTasks("tok");
      expect(sent).not.toBeNull();
      expect(await client().listTasks({}, sent!)).toMatchObject({ items: [], total: 0 });
      expect(takeEarlyTasks("tok")).toBeNull(); // taken once

      reply = { status: 401, body: JSON.stringify({ detail: "Token expired" }) };
      globals.window = runScript(session);
      await expect(client().listTasks({}, takeEarlyTasks("tok")!)).rejects.toMatchObject({
        status: 401,
        detail: "Token expired",
      });

      globals.window = runScript(session);
      expect(takeEarlyTasks("another session's token")).toBeNull();
    } finally {
      delete globals.window;
    }
  });

  it("sends nothing without a session, or with one that is not JSON", () => {
    for (const stored of [null, "{not json", JSON.stringify({ user: {} })]) {
      seen = [];
      expect(runScript(stored).__todoEarlyTasks).toBeUndefined();
      expect(seen).toEqual([]);
    }
  });
});
