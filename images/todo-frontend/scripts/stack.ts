/**
 * The real parts the end-to-end tests and the benchmark run against, all on loopback:
 *
 * - the backend stack (images/todo-backend/tests/serve_stack.py: PostgreSQL, migrations, the
 *   FastAPI app, the chat-completions stand-in);
 * - the production build of this app (the standalone server the image runs);
 * - an Ingress stand-in that routes /api to the backend and the rest to the frontend, as the
 *   rendered Ingress does. Its /api target can be pointed elsewhere (a stopped backend), and it
 *   can answer one route with a given status itself, standing in for a backend in a state the
 *   real one cannot be put into from here (400, 500, a chat that runs out of time);
 * - a second backend process whose database does not exist (a real 503).
 *
 * Plain Node (type stripping), so that `node scripts/bench.ts` runs it without a build step.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

export const FRONTEND = resolve(import.meta.dirname, "..");
export const BACKEND = resolve(FRONTEND, "../todo-backend");
const PYTHON = join(BACKEND, ".venv/bin/python");

const children: ChildProcess[] = [];
const servers: Server[] = [];

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function waitFor(url: string, ok = (status: number) => status < 500): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      if (ok((await fetch(url)).status)) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

function python(): string {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run images/todo-backend/venv.sh`);
  return PYTHON;
}

/** The backend stack (PostgreSQL, migrations, app, chat stand-in); resolves with its URL. */
export function startBackend(): Promise<string> {
  const child = spawn(python(), [join(BACKEND, "tests/serve_stack.py")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolvePromise, reject) => {
    child.once("exit", (code) => reject(new Error(`backend stack exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) =>
      resolvePromise((JSON.parse(line) as { backend: string }).backend),
    );
  });
}

/**
 * `python -m todo_api` as the image runs it, with a DATABASE_URL where no database listens: every
 * request that needs the database gets the backend's own 503 with Retry-After.
 */
export async function startBackendWithoutDatabase(): Promise<string> {
  const port = await freePort();
  const nowhere = await freePort();
  const child = spawn(python(), ["-m", "todo_api"], {
    env: {
      ...process.env,
      OPENAI_API_KEY: "",
      PYTHONPATH: join(BACKEND, "src"),
      PYTHONUNBUFFERED: "1",
      PORT: String(port),
      DATABASE_URL: `postgresql://todo:todo@127.0.0.1:${nowhere}/todo`,
      JWT_SECRET: randomBytes(32).toString("hex"),
      LOG_LEVEL: "WARNING",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/livez`, (status) => status === 200);
  return url;
}

/** The standalone production server, configured only through its run-time environment. */
export async function startFrontend(backend: string): Promise<string> {
  const server = join(FRONTEND, ".next/standalone/server.js");
  if (!existsSync(server)) throw new Error(`${server} is missing: run npm run build`);
  const port = await freePort();
  const child = spawn(process.execPath, [server], {
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      BACKEND_URL: backend,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/healthz`, (status) => status === 200);
  return url;
}

/** What one route answers instead of the backend: a status, a JSON body, headers. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Ingress {
  url: string;
  port: number;
  /** Where /api goes now (a stopped backend's address makes it answer 502, as nginx does). */
  api: string;
  /** "METHOD /path" (no query) → what to answer instead of the backend. */
  answers: Map<string, Answer>;
  /** "METHOD /path" → a promise the request waits for before it goes on (a slow backend). */
  holds: Map<string, Promise<void>>;
  /** Stops listening and drops every open connection: the site is unreachable. */
  close(): Promise<void>;
  /** Listens again on the same port. */
  reopen(): Promise<void>;
}

/** What the rendered Ingress does: /api (prefix, unchanged) to the backend, the rest to the frontend. */
export async function startIngress(backend: string, frontend: string, port = 0): Promise<Ingress> {
  const ingress: Ingress = {
    url: "",
    port,
    api: backend,
    answers: new Map(),
    holds: new Map(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    reopen: () => new Promise<void>((r) => server.listen(ingress.port, "127.0.0.1", r)),
  };
  const server = createServer(async (req, res) => {
    const path = req.url ?? "/";
    const api = path === "/api" || path.startsWith("/api/");
    const route = `${req.method} ${path.split("?")[0]}`;
    const answer = ingress.answers.get(route);
    if (api) await ingress.holds.get(route);
    if (api && answer !== undefined) {
      req.resume();
      res.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers });
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
      return;
    }
    const target = new URL(api ? ingress.api : frontend);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: req.method,
        headers: { ...req.headers, host: req.headers.host },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    // As ingress-nginx does when the upstream refuses: 502 with an HTML page.
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/html" });
      res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    req.pipe(upstream);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  ingress.port = (server.address() as AddressInfo).port;
  ingress.url = `http://127.0.0.1:${ingress.port}`;
  return ingress;
}

/** The address of a backend that is not running: nothing listens there. */
export async function stoppedBackend(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

export interface Account {
  access_token: string;
  user: { id: number; email: string; name: string };
}

/** A fresh account, made through the backend's API as another device would. */
export async function signUp(backend: string, name = "Ada"): Promise<Account> {
  const email = `${name.toLowerCase()}-${Date.now()}-${randomBytes(3).toString("hex")}@example.com`;
  const response = await fetch(`${backend}/api/auth/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery", name }),
  });
  if (response.status !== 201)
    throw new Error(`sign-up: ${response.status} ${await response.text()}`);
  return (await response.json()) as Account;
}

/** The backend's API as the signed-in account, from outside the browser. */
export function api(backend: string, account: Account) {
  return async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${backend}/api${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${account.access_token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

/** Stops everything started here, newest first. */
export async function stopAll(): Promise<void> {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));
  }
  // SIGTERM, then wait: the backend stack removes its PostgreSQL data directory on the way out.
  await Promise.all(
    children
      .splice(0)
      .reverse()
      .map(
        (child) =>
          new Promise<void>((r) => {
            if (child.exitCode !== null || child.signalCode !== null) return r();
            const timer = setTimeout(() => (child.kill("SIGKILL"), r()), 30_000);
            child.once("exit", () => (clearTimeout(timer), r()));
            child.stdin?.end();
            child.kill("SIGTERM");
          }),
      ),
  );
}

/** Headless Debian Chromium's flags, as every test here launches it. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
