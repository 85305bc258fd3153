/**
 * End to end, in headless Chromium: the production build (the standalone server the image
 * runs) in front of the real backend and a real PostgreSQL.
 *
 * 1. Through a local reverse proxy that routes /api to the backend and / to the frontend, as the
 *    rendered Ingress does: sign up, add, complete, edit, delete, use the assistant, reload.
 * 2. Against the frontend alone (as through `kubectl port-forward`): /api is forwarded by the
 *    frontend server to BACKEND_URL.
 *
 * Screenshots of the main screens go to test-results/ (git-ignored).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const FRONTEND = resolve(import.meta.dirname, "..");
const BACKEND = resolve(FRONTEND, "../todo-backend");
const SHOTS = join(FRONTEND, "test-results");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const children: ChildProcess[] = [];
let backendUrl = "";
let frontendUrl = "";
let ingressUrl = "";
let ingress: Server;
let browser: Browser;

/** The backend stack (PostgreSQL, migrations, app, chat stand-in); resolves with its URL. */
function startBackend(): Promise<string> {
  const python = join(BACKEND, ".venv/bin/python");
  if (!existsSync(python)) throw new Error(`${python} is missing: run images/todo-backend/venv.sh`);
  const child = spawn(python, [join(BACKEND, "tests/serve_stack.py")], {
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function waitFor(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** The standalone production server, configured only through its run-time environment. */
async function startFrontend(backend: string): Promise<string> {
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
  await waitFor(`${url}/healthz`);
  return url;
}

/** What the rendered Ingress does: /api (prefix, unchanged) to the backend, the rest to the frontend. */
async function startIngress(backend: string, frontend: string): Promise<string> {
  ingress = createServer((req, res) => {
    const path = req.url ?? "/";
    const target = new URL(path === "/api" || path.startsWith("/api/") ? backend : frontend);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: req.method,
        headers: { ...req.headers, host: req.headers.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => (res.writeHead(502), res.end()));
    req.pipe(upstream);
  });
  await new Promise<void>((r) => ingress.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(ingress.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  backendUrl = await startBackend();
  frontendUrl = await startFrontend(backendUrl);
  ingressUrl = await startIngress(backendUrl, frontendUrl);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (ingress ? ingress.close(() => r()) : r()));
  for (const child of children.reverse()) {
    child.stdin?.end();
    child.kill("SIGTERM");
  }
});

async function signUp(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/signup`);
  await page.getByLabel("Name").fill("Ada");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect.poll(() => page.url()).toBe(`${base}/`);
  await page.getByText("Signed in as Ada").waitFor();
}

/** A task's checkbox: its label is the task's title (the Edit and Delete buttons only contain it). */
const checkbox = (page: Page, title: string) =>
  page.getByRole("checkbox", { name: title, exact: true });
/** axe-core's WCAG 2.1 A/AA rules on the page as it is: the violations, by rule and element. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve("axe-core/axe.min.js") });
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: object,
          ) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    return axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

const titles = (page: Page) => page.getByTestId("task").locator(".title").allInnerTexts();

async function addTask(page: Page, title: string): Promise<void> {
  await page.getByLabel("New task").fill(title);
  await page.getByLabel("New task").press("Enter");
  await page.getByTestId("task").filter({ hasText: title }).waitFor();
}

describe("through the Ingress stand-in", () => {
  it("signs up, adds, completes, edits, deletes, asks the assistant, and keeps it all after a reload", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(`${ingressUrl}/`);
    await expect.poll(() => page.url()).toBe(`${ingressUrl}/login`);
    await page.screenshot({ path: join(SHOTS, "1-login.png") });
    expect(await accessibilityViolations(page)).toEqual([]);

    await signUp(page, ingressUrl, `e2e-${Date.now()}@example.com`);
    await page.getByText("No tasks yet").waitFor();

    for (const title of ["Buy milk", "Walk the dog", "Write the report", "Old idea"])
      await addTask(page, title);
    expect(await titles(page)).toEqual([
      "Old idea",
      "Write the report",
      "Walk the dog",
      "Buy milk",
    ]);

    // Complete one (keyboard: focus the checkbox, Space).
    await checkbox(page, "Buy milk").focus();
    await page.keyboard.press("Space");
    await expect
      .poll(() => page.getByTestId("task").filter({ hasText: "Buy milk" }).getAttribute("class"))
      .toBe("done");

    // Edit one; Escape would cancel, Enter saves.
    await page.getByRole("button", { name: "Edit Walk the dog" }).click();
    await page.getByLabel("Edit “Walk the dog”").fill("Walk the dog twice");
    await page.keyboard.press("Enter");
    await page.getByTestId("task").filter({ hasText: "Walk the dog twice" }).waitFor();

    // Delete one.
    await page.getByRole("button", { name: "Delete Old idea" }).click();
    await expect
      .poll(() => titles(page))
      .toEqual(["Write the report", "Walk the dog twice", "Buy milk"]);

    // The assistant adds a task through its tool call; the list and the panel show the change.
    await page.getByLabel("Message").fill("add Call the plumber");
    await page.getByRole("button", { name: "Send" }).click();
    await page
      .getByLabel("What the assistant changed")
      .getByText("Added “Call the plumber”")
      .waitFor();
    await page.getByTestId("task").filter({ hasText: "Call the plumber" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "2-tasks-with-assistant.png"), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.reload();
    await page.getByTestId("task").first().waitFor();
    expect(await titles(page)).toEqual([
      "Call the plumber",
      "Write the report",
      "Walk the dog twice",
      "Buy milk",
    ]);
    expect(await checkbox(page, "Buy milk").isChecked()).toBe(true);
    expect(await checkbox(page, "Walk the dog twice").isChecked()).toBe(false);
    await page.screenshot({ path: join(SHOTS, "3-task-list-after-reload.png"), fullPage: true });

    // A phone-sized screen: everything still reachable, nothing wider than the viewport.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await page.screenshot({ path: join(SHOTS, "4-phone.png"), fullPage: true });

    await page.getByRole("button", { name: "Log out" }).click();
    await expect.poll(() => page.url()).toBe(`${ingressUrl}/login`);
    await page.close();
  });

  it("shows a readable error for a wrong password", async () => {
    const page = await browser.newPage();
    await page.goto(`${ingressUrl}/login`);
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect
      .poll(() => page.getByRole("alert").first().innerText())
      .toBe("Wrong email or password");
    await page.close();
  });
});

it("the accessibility check does report violations", async () => {
  const page = await browser.newPage();
  await page.setContent(
    '<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>',
  );
  const violations = await accessibilityViolations(page);
  expect(violations.some((v) => v.startsWith("image-alt"))).toBe(true);
  expect(violations.some((v) => v.startsWith("label"))).toBe(true);
  await page.close();
});

describe("the frontend alone, as through kubectl port-forward", () => {
  it("forwards /api to BACKEND_URL at run time, and the state persists", async () => {
    const page = await browser.newPage();
    await signUp(page, frontendUrl, `direct-${Date.now()}@example.com`);
    await addTask(page, "Forwarded by the frontend server");
    await checkbox(page, "Forwarded by the frontend server").check();
    await page.reload();
    await page.getByTestId("task").first().waitFor();
    expect(await titles(page)).toEqual(["Forwarded by the frontend server"]);
    expect(await checkbox(page, "Forwarded by the frontend server").isChecked()).toBe(true);
    await page.close();
  });

  it("answers the probes' route without the backend", async () => {
    const response = await fetch(`${frontendUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    const page = await fetch(`${frontendUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
  });
});
