/**
 * The browser client against a real HTTP server on loopback: what it sends, and what it keeps of
 * every failure (tests/messages.test.ts turns those into words).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiClient, ApiError, applyChanges, retryAfterSeconds, type Task } from "../lib/api";
import {
  endedSessionCookie,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
  sessionCookie,
  sessionFromCookies,
} from "../lib/session-cookie";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}
let server: Server;
let base: string;
let seen: Seen[] = [];
let reply: {
  status: number;
  body?: string;
  type?: string;
  headers?: Record<string, string>;
  /** Milliseconds before the answer. */
  delay?: number;
} = {
  status: 200,
  body: "{}",
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const { status, type, headers, body: answer, delay = 0 } = reply;
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(status, { "Content-Type": type ?? "application/json", ...headers });
        res.end(answer);
      }, delay);
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

  it("with a timeout, an answer later than that fails as a network failure does", async () => {
    reply = { status: 200, body: JSON.stringify({ items: [], total: 0 }), delay: 1_000 };
    const slow = new ApiClient({ base, token: () => "tok", timeout: 100 });
    await expect(slow.listTasks()).rejects.toMatchObject({ status: 0 });
    reply = { ...reply, delay: 0 };
    await expect(slow.listTasks()).resolves.toMatchObject({ total: 0 });
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

describe("the session's cookie (lib/session-cookie.ts)", () => {
  const session = {
    access_token: "tok.en",
    user: { id: 7, email: "a@b.c", name: "Ada; 100% “ok”" },
  };
  /** The name=value part of a cookie text, as a browser sends it back in a Cookie header. */
  const sent = (cookie: string) => cookie.split(";")[0]!;

  it("round-trips a session through the Cookie header a browser sends, among other cookies", () => {
    const header = `theme=dark; ${sent(sessionCookie(session, false))}; other=x%7By`;
    expect(sessionFromCookies(header)).toEqual(session);
  });

  it("is Strict and site-wide; over HTTPS Secure and __Host-; ending it expires it", () => {
    expect(sessionCookie(session, false)).toMatch(/^todo\.session=.*; Path=\/; SameSite=Strict$/);
    expect(sessionCookie(session, true)).toMatch(
      /^__Host-todo\.session=.*; Path=\/; SameSite=Strict; Secure$/,
    );
    expect(endedSessionCookie(true)).toBe(
      `${SECURE_SESSION_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict; Secure`,
    );
    expect(sessionFromCookies(sent(sessionCookie(session, true)))).toEqual(session);
  });

  it("takes the first valid one, the __Host- one before a plain one", () => {
    const other = { ...session, access_token: "other", user: { ...session.user, id: 8 } };
    const planted = `${SESSION_COOKIE}=%7Bnot%20json`;
    expect(sessionFromCookies(`${planted}; ${sent(sessionCookie(session, false))}`)).toEqual(
      session,
    );
    const both = `${sent(sessionCookie(other, false))}; ${sent(sessionCookie(session, true))}`;
    expect(sessionFromCookies(both)).toEqual(session);
  });

  it("reads no session from no cookie, an ended one, or one that is not a session", () => {
    for (const header of [
      null,
      "",
      "theme=dark",
      sent(endedSessionCookie(false)),
      `${SESSION_COOKIE}=%7Bnot%20json`,
      `${SESSION_COOKIE}=${encodeURIComponent(JSON.stringify({ access_token: "t" }))}`,
      `${SESSION_COOKIE}=${encodeURIComponent(JSON.stringify({ ...session, access_token: "" }))}`,
      `${SESSION_COOKIE}=%E0%A4%A`, // not valid percent-encoding
    ])
      expect(sessionFromCookies(header), String(header)).toBeNull();
  });
});
