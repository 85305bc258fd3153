/**
 * The browser client against a real HTTP server on loopback: what it sends, and how it turns
 * every failure into a message a person can read.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiClient, ApiError, applyChanges, type Task } from "../lib/api";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}
let server: Server;
let base: string;
let seen: Seen[] = [];
let reply: { status: number; body?: string; type?: string } = { status: 200, body: "{}" };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.writeHead(reply.status, { "Content-Type": reply.type ?? "application/json" });
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

  it("passes the server's own message on", async () => {
    reply = {
      status: 409,
      body: JSON.stringify({ detail: "An account with this email already exists" }),
    };
    const error = await client()
      .signUp("a@b.c", "password1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      message: "An account with this email already exists",
    });
  });

  it.each([
    [401, "<html>nope</html>", "Your session has ended. Please log in again."],
    [503, "", "This service is unavailable right now."],
    [500, "Internal Server Error", "The server answered 500."],
  ])("explains a %d without a JSON detail", async (status, body, message) => {
    reply = { status, body, type: "text/html" };
    await expect(client().listTasks()).rejects.toMatchObject({ status, message });
  });

  it("explains a network failure", async () => {
    const offline = new ApiClient({ base: "http://127.0.0.1:1" });
    await expect(offline.listTasks()).rejects.toMatchObject({
      status: 0,
      message: expect.stringContaining("Cannot reach the server"),
    });
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
