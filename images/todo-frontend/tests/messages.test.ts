/**
 * Every status the API can answer, as the backend answers it (the bodies and headers of
 * images/todo-backend/src/todo_api/errors.py), served by a real HTTP server on loopback, read by
 * the real client, and put into words by lib/messages.ts. No message may leak developer language.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../lib/api";
import { type Action, duration, explain } from "../lib/messages";

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
let server: Server;
let reply: Reply;
let client: ApiClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const json = reply.body !== undefined && typeof reply.body !== "string";
      res.writeHead(reply.status, {
        "Content-Type": json ? "application/json" : "text/html",
        ...reply.headers,
      });
      res.end(json ? JSON.stringify(reply.body) : ((reply.body as string | undefined) ?? ""));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  client = new ApiClient({
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: () => "t",
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const CALLS: Record<Action, () => Promise<unknown>> = {
  load: () => client.listTasks(),
  add: () => client.addTask("x"),
  rename: () => client.updateTask(1, { title: "x" }),
  complete: () => client.updateTask(1, { completed: true }),
  delete: () => client.deleteTask(1),
  restore: () => client.addTask("x"),
  chat: () => client.chat("hi"),
  login: () => client.logIn("a@b.c", "pw"),
  signup: () => client.signUp("a@b.c", "password1"),
};

async function explained(action: Action, answer: Reply) {
  reply = answer;
  const caught = await CALLS[action]().then(
    () => new Error("no error"),
    (e: unknown) => e,
  );
  return explain(caught, action);
}

/** Words a person should never be shown. */
const JARGON = /String should|value is not|detail|HTTP|backend|frontend|OPENAI|JSON|\b[45]\d\d\b/;

describe("a human message for every status", () => {
  it.each<[string, Action, Reply, string | RegExp, Partial<ReturnType<typeof explain>>]>([
    [
      "400 unreadable body",
      "add",
      { status: 400, body: { detail: "The body could not be read as UTF-8 JSON" } },
      "Your task wasn’t added. Your browser sent something the server couldn’t read. Reload the page, then try again.",
      { retry: false },
    ],
    [
      "401 on log-in",
      "login",
      { status: 401, body: { detail: "Wrong email or password" } },
      "Wrong email or password. Check both and try again.",
      { signIn: false },
    ],
    [
      "401 elsewhere",
      "load",
      {
        status: 401,
        body: { detail: "Sign in first: send 'Authorization: Bearer <token>'" },
        headers: { "WWW-Authenticate": "Bearer" },
      },
      "Your session has ended. Log in again to carry on where you left off.",
      { signIn: true },
    ],
    [
      "404",
      "complete",
      { status: 404, body: { detail: "Task 1 not found" } },
      "That task wasn’t updated. It had already been deleted, perhaps on another device.",
      { gone: true, retry: false },
    ],
    [
      "409 on sign-up",
      "signup",
      { status: 409, body: { detail: "An account with this email already exists" } },
      "An account with this email already exists. Log in instead, or use another email.",
      { logInInstead: true },
    ],
    [
      "413 on a chat",
      "chat",
      { status: 413, body: { detail: "The request body is over the limit of 65536 bytes" } },
      "This conversation has grown too long to send. Start a new chat, or send a shorter message.",
      { newChat: true },
    ],
    [
      "413 elsewhere",
      "add",
      { status: 413, body: { detail: "The request body is over the limit of 65536 bytes" } },
      "Your task wasn’t added. That’s more text than Todo accepts. Shorten it and try again.",
      { retry: false },
    ],
    [
      "422 empty title",
      "add",
      {
        status: 422,
        body: {
          detail: "title: String should have at least 1 character",
          errors: ["title: String should have at least 1 character"],
        },
      },
      "Your task wasn’t added. A task needs a title.",
      {},
    ],
    [
      "422 long title",
      "rename",
      {
        status: 422,
        body: {
          detail: "title: String should have at most 200 characters",
          errors: ["title: String should have at most 200 characters"],
        },
      },
      "Your change wasn’t saved. Titles can be up to 200 characters. Shorten it.",
      {},
    ],
    [
      "422 NUL in a title",
      "add",
      {
        status: 422,
        body: {
          detail: "title: Value error, must not contain NUL characters",
          errors: ["title: Value error, must not contain NUL characters"],
        },
      },
      "Your task wasn’t added. The title has a character that can’t be saved. Remove it and try again.",
      {},
    ],
    [
      "422 email",
      "signup",
      {
        status: 422,
        body: {
          detail: "email: value is not a valid email address: It should have a period.",
          errors: ["email: value is not a valid email address: It should have a period."],
        },
      },
      "Your account wasn’t created. That email address doesn’t look right. Check it, for example name@example.com.",
      {},
    ],
    [
      "422 password",
      "signup",
      {
        status: 422,
        body: {
          detail: "password: String should have at least 8 characters",
          errors: ["password: String should have at least 8 characters"],
        },
      },
      "Your account wasn’t created. Passwords need 8 to 128 characters.",
      {},
    ],
    [
      "422 chat history",
      "chat",
      {
        status: 422,
        body: {
          detail: "history: List should have at most 20 items",
          errors: ["history: List should have at most 20 items"],
        },
      },
      "The assistant didn’t answer. Something you entered wasn’t accepted. Check it and try again.",
      {},
    ],
    [
      "429 on log-in",
      "login",
      {
        status: 429,
        body: { detail: "Too many failed log-ins for this account; try again in 300 s" },
        headers: { "Retry-After": "300" },
      },
      "Too many log-in attempts. To keep your account safe, wait 5 minutes before trying again.",
      { retry: true, retryAfter: 300 },
    ],
    [
      "429 on a chat (the account's chat limit)",
      "chat",
      {
        status: 429,
        body: { detail: "Too many chats from this account; try again in 40 s" },
        headers: { "Retry-After": "40" },
      },
      "The assistant has had many messages from you in a short time. Try again in 40 seconds.",
      { retry: true, retryAfter: 40 },
    ],
    [
      "429 on sign-up",
      "signup",
      {
        status: 429,
        body: { detail: "Too many sign-ups from this address; try again in 1800 s" },
        headers: { "Retry-After": "1800" },
      },
      "Too many new accounts from your network. Wait 30 minutes before trying again, or log in if you already have an account.",
      { retry: true, retryAfter: 1800, logInInstead: true },
    ],
    [
      "500",
      "load",
      { status: 500, body: "Internal Server Error" },
      "Your tasks couldn’t be loaded. Something went wrong on our side, not yours. Try again in a moment.",
      { retry: true },
    ],
    [
      "502 from a proxy",
      "add",
      { status: 502, body: "<html><h1>502 Bad Gateway</h1></html>" },
      "Your task wasn’t added. Todo’s server isn’t responding right now. Try again in a moment.",
      { retry: true },
    ],
    [
      "502 from the frontend's own forwarding",
      "load",
      { status: 502, body: { detail: "The backend is not reachable from the frontend server" } },
      "Your tasks couldn’t be loaded. Todo’s server isn’t responding right now. Try again in a moment.",
      { retry: true },
    ],
    [
      "502 from the assistant, with a change saved",
      "chat",
      {
        status: 502,
        body: {
          detail: "The model service failed",
          changes: [{ action: "added", task: { id: 1, title: "x" } }],
        },
      },
      "The assistant’s AI service had a problem. One change was saved before it stopped. Try again in a moment.",
      { retry: true },
    ],
    [
      "503 database",
      "delete",
      {
        status: 503,
        body: { detail: "The database is unavailable right now; try again in 5 s" },
        headers: { "Retry-After": "5" },
      },
      "That task wasn’t deleted. Todo is briefly unavailable. Try again in 5 seconds.",
      { retry: true, retryAfter: 5 },
    ],
    [
      "503 assistant switched off",
      "chat",
      {
        status: 503,
        body: { detail: "The assistant is not configured: OPENAI_API_KEY is not set." },
      },
      "The assistant isn’t switched on here. Everything else works as usual.",
      { retry: false },
    ],
    [
      "504 from the assistant",
      "chat",
      {
        status: 504,
        body: { detail: "The model service did not answer within 25 s", changes: [] },
      },
      "The assistant did not answer in time. Try again in a moment.",
      { retry: true },
    ],
    [
      "504 from a proxy",
      "load",
      { status: 504, body: "<html>Gateway Time-out</html>" },
      "Your tasks couldn’t be loaded. The server took too long to answer. Try again in a moment.",
      { retry: true },
    ],
  ])("%s", async (_, action, answer, message, flags) => {
    const words = await explained(action, answer);
    if (typeof message === "string") expect(words.message).toBe(message);
    else expect(words.message).toMatch(message);
    expect(words).toMatchObject(flags);
    expect(words.message).not.toMatch(JARGON);
  });

  it("a network that is down", async () => {
    const offline = new ApiClient({ base: "http://127.0.0.1:1" });
    const caught = await offline.addTask("x").catch((e: unknown) => e);
    const words = explain(caught, "add");
    expect(words.message).toBe(
      "Your task wasn’t added. Todo can’t be reached: check your internet connection, then try again.",
    );
    expect(words.retry).toBe(true);
  });

  it("something that is not an API error at all", () => {
    expect(explain(new TypeError("x is undefined"), "load").message).toBe(
      "Your tasks couldn’t be loaded. Something unexpected went wrong. Reload the page and try again.",
    );
  });

  it("says waits as people say them", () => {
    expect([1, 5, 59, 60, 61, 300].map(duration)).toEqual([
      "1 second",
      "5 seconds",
      "59 seconds",
      "1 minute",
      "2 minutes",
      "5 minutes",
    ]);
  });
});
