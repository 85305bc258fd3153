/**
 * End to end, in headless Debian Chromium: the production build (the standalone server the image
 * runs) in front of the real backend and a real PostgreSQL (scripts/stack.ts starts them).
 *
 * - The main flows at 1280×800 and 390×844, through a stand-in for the Ingress (/api to the
 *   backend, the rest to the frontend), with the layout measured in the browser: every task row
 *   keeps its title and all its actions on one line, nothing is wider than the viewport, and the
 *   header's items do not overlap.
 * - Every main screen at both sizes, light and dark: measured, checked with axe-core (WCAG 2.1
 *   A/AA) and saved to test-results/screens/ for review.
 * - A human message for every status the API answers and for a network that is down: real
 *   conditions where they can be made here (a stopped backend, a backend without its database,
 *   real bad input, a real rate limit, a task deleted elsewhere, a forged token), and the
 *   Ingress stand-in answering for the backend where they cannot (400, 413, 500, a chat's
 *   502/503/504).
 * - The task screen's first page drawn by the server from the session's cookie (the frontend's
 *   server reaches the backend through the Ingress stand-in too), and the typeface's two visits.
 * - Validation before sending, delete with undo (checked on the server), keyboard shortcuts.
 * - The frontend alone, as through `kubectl port-forward`: /api forwarded to BACKEND_URL.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../lib/session-cookie";
import {
  type Account,
  api,
  CHROMIUM,
  CHROMIUM_ARGS,
  FRONTEND,
  freePort,
  type Ingress,
  signUp,
  startBackend,
  startBackendWithoutDatabase,
  startFrontend,
  startIngress,
  stopAll,
  stoppedBackend,
} from "../scripts/stack.ts";

const SHOTS = join(FRONTEND, "test-results/screens");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
type Size = typeof PHONE;
type Scheme = "light" | "dark";

let backend = "";
let frontend = "";
let ingress: Ingress;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  backend = await startBackend();
  // The frontend's server reaches the backend through the Ingress stand-in, as the browser does:
  // what a test does to the stand-in's /api (stop it, hold or answer a request) reaches both.
  const port = await freePort();
  frontend = await startFrontend(`http://127.0.0.1:${port}`);
  ingress = await startIngress(backend, frontend, port);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

// ---- Helpers --------------------------------------------------------------------------------

/**
 * A page in a fresh context; with `account`, already signed in (its session's cookie, sent with
 * the page's request, so the server draws the first page of tasks); `unseen`: the cookie is set
 * only once the page has started, so the server draws none and the browser loads the list, as
 * after arriving from another site (SameSite=Strict); `returning`: a later visit, after a first
 * one that put Inter in the browser's cache (lib/font.ts).
 */
async function open(
  options: {
    size?: Size;
    scheme?: Scheme;
    account?: Account;
    base?: string;
    path?: string;
    motion?: boolean;
    returning?: boolean;
    unseen?: boolean;
  } = {},
): Promise<{ page: Page; context: BrowserContext }> {
  // Reduced motion by default: screenshots show end states, not frames of a transition.
  const context = await browser.newContext({
    viewport: options.size ?? DESKTOP,
    colorScheme: options.scheme ?? "light",
    reducedMotion: options.motion ? "no-preference" : "reduce",
  });
  const base = options.base ?? ingress.url;
  if (options.account && options.unseen)
    await context.addInitScript(
      (cookie) => (document.cookie = cookie),
      sessionCookie(options.account, false),
    );
  else if (options.account) await context.addCookies([{ ...cookieOf(options.account), url: base }]);
  const page = await context.newPage();
  if (options.returning) {
    // The first visit, which fetches Inter once idle (and notes it); the one asked for is next.
    await page.goto(`${base}/login`);
    await page.waitForFunction(() => window.localStorage.getItem("todo.font") !== null);
    // That visit set an `unseen` session's cookie; the page asked for next must not send it.
    if (options.unseen) await context.clearCookies();
  }
  await page.goto(`${base}${options.path ?? "/"}`);
  await interactive(page);
  return { page, context };
}

/**
 * Waits until React runs the page's forms: each marks itself ready once hydrated (lib/form-guard.ts).
 * A server-drawn screen is on screen, and `load` has fired, before that.
 */
async function interactive(page: Page): Promise<void> {
  await expect
    .poll(() => page.locator("form:not([data-ready]):not([method=dialog])").count())
    .toBe(0);
}

/** The page's navigations from now on: a form the browser sends itself is one. */
function navigations(page: Page): { method: string; url: string }[] {
  const seen: { method: string; url: string }[] = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame())
      seen.push({ method: request.method(), url: request.url() });
  });
  return seen;
}

/** A promise that resolves when `release()` is called (any number of times). */
function gate(): { held: Promise<void>; release: () => void } {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  return { held, release };
}

/** Holds the page's scripts back until `release()`: what a slow phone network does. */
async function holdScripts(page: Page): Promise<() => void> {
  const { held, release } = gate();
  await page.route("**/_next/static/chunks/*.js", async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/**
 * Runs `body` while the Ingress stand-in holds `route` (e.g. "GET /api/tasks") on its way to the
 * backend; `release()` lets it through, and it is let through in any case once `body` ends.
 */
async function whileHeld<T>(route: string, body: (release: () => void) => Promise<T>): Promise<T> {
  const { held, release } = gate();
  ingress.holds.set(route, held);
  try {
    return await body(release);
  } finally {
    release();
    ingress.holds.delete(route);
  }
}

/** The session's cookie as Playwright takes it (name and value of lib/session-cookie.ts's text). */
function cookieOf(account: Account): { name: string; value: string; sameSite: "Strict" } {
  const pair = sessionCookie(account, false).split(";")[0]!;
  const at = pair.indexOf("=");
  return { name: pair.slice(0, at), value: pair.slice(at + 1), sameSite: "Strict" };
}

/** The browser's session cookies (either name, lib/session-cookie.ts). */
async function sessionCookies(context: BrowserContext) {
  return (await context.cookies()).filter((c) => c.name.endsWith("todo.session"));
}

async function signUpInBrowser(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/signup`);
  await page.getByLabel("Name").fill("Ada");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect.poll(() => page.url()).toBe(`${base}/`);
  await page.getByTestId("account-button").waitFor();
}

const rows = (page: Page) => page.getByTestId("task");
const row = (page: Page, title: string) => rows(page).filter({ hasText: title });
const titles = (page: Page) => page.locator("[data-testid=task] .task__text").allInnerTexts();
/** A task's checkbox: named by its title (the Edit and Delete buttons only contain it). */
const checkbox = (page: Page, title: string) =>
  page.getByRole("checkbox", { name: title, exact: true });
const notice = (page: Page) => page.getByTestId("notice").getByRole("alert");

async function addTask(page: Page, title: string): Promise<void> {
  await page.getByLabel("New task").fill(title);
  await page.getByLabel("New task").press("Enter");
  await row(page, title).first().waitFor();
}

async function seed(account: Account, items: string[], done: string[] = []): Promise<void> {
  const call = api(backend, account);
  for (const title of [...items].reverse()) {
    const task = (await (await call("POST", "/tasks", { title })).json()) as { id: number };
    if (done.includes(title)) await call("PATCH", `/tasks/${task.id}`, { completed: true });
  }
}

/** The account's tasks as the server has them (newest first). */
async function serverTasks(account: Account): Promise<{ title: string; completed: boolean }[]> {
  const page = (await (await api(backend, account)("GET", "/tasks?limit=100")).json()) as {
    items: { title: string; completed: boolean }[];
  };
  return page.items;
}

async function serverTitles(account: Account): Promise<string[]> {
  return (await serverTasks(account)).map((t) => t.title);
}

/** Whether the server has the task `title` as done. */
async function serverDone(account: Account, title: string): Promise<boolean> {
  return (await serverTasks(account)).some((t) => t.title === title && t.completed);
}

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

/**
 * The layout as the browser drew it, from getBoundingClientRect. Returns every problem found:
 * - a task row whose title and actions do not share one line box (each action must overlap the
 *   title vertically and sit to its right, in order, inside the row); the same for a row being
 *   edited (field, Save, Cancel);
 * - an element that reaches outside the viewport horizontally, or a page that scrolls sideways;
 * - a field whose buttons are not the field's height, on its line; a placeholder cut off;
 * - a task title taller than two lines;
 * - header items that overlap each other.
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const name = (e: Element) =>
      `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${
        e.getAttribute("class") ? `.${e.getAttribute("class")!.trim().split(/\s+/).join(".")}` : ""
      }`;
    const shown = (e: Element) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width)
      problems.push(
        `the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`,
      );
    for (const e of document.body.querySelectorAll("*")) {
      if (!shown(e)) continue;
      const r = e.getBoundingClientRect();
      if (r.left < -0.5 || r.right > width + 0.5)
        problems.push(`${name(e)} spans ${Math.round(r.left)}..${Math.round(r.right)} of ${width}`);
    }
    /** Each part after the first must overlap the first vertically and follow its left neighbour. */
    const oneLine = (label: string, container: Element, parts: Element[]) => {
      const box = container.getBoundingClientRect();
      const rects = parts.map((p) => p.getBoundingClientRect());
      const first = rects[0]!;
      rects.forEach((r, i) => {
        if (r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
          problems.push(`${label}: ${name(parts[i]!)} sticks out of its row`);
        if (r.top >= first.bottom || r.bottom <= first.top)
          problems.push(`${label}: ${name(parts[i]!)} is on another line than ${name(parts[0]!)}`);
        if (i > 0 && r.left < rects[i - 1]!.right - 0.5)
          problems.push(`${label}: ${name(parts[i]!)} overlaps or precedes ${name(parts[i - 1]!)}`);
      });
    };
    for (const li of document.querySelectorAll("[data-testid=task]")) {
      if (!shown(li)) continue;
      const label = `row “${li.textContent?.slice(0, 30)}”`;
      const form = li.querySelector("form");
      if (form) {
        const input = form.querySelector("input")!;
        oneLine(label, form, [input, ...form.querySelectorAll("button")]);
      } else {
        const title = li.querySelector(".task__title")!;
        const check = li.querySelector(".check")!;
        oneLine(label, li, [title, ...li.querySelectorAll("button")]);
        if (check.getBoundingClientRect().right > title.getBoundingClientRect().left + 0.5)
          problems.push(`${label}: the checkbox overlaps the title`);
        const t = title.getBoundingClientRect();
        const c = check.getBoundingClientRect();
        if (c.top >= t.bottom || c.bottom <= t.top)
          problems.push(`${label}: the checkbox is on another line than the title`);
      }
    }
    // A placeholder must fit its field (no "call the plumbe").
    const measure = document.createElement("canvas").getContext("2d")!;
    for (const input of document.querySelectorAll<HTMLInputElement>("input[placeholder]")) {
      if (!shown(input)) continue;
      const style = getComputedStyle(input);
      measure.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room =
        input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (measure.measureText(input.placeholder).width > room)
        problems.push(`${name(input)}: the placeholder “${input.placeholder}” is cut off`);
    }
    // A title is two lines at most, however long its words.
    for (const title of document.querySelectorAll(".task__title")) {
      if (!shown(title)) continue;
      const lines =
        title.getBoundingClientRect().height / parseFloat(getComputedStyle(title).lineHeight);
      if (lines > 2.05) problems.push(`${name(title)} is ${lines.toFixed(1)} lines tall`);
    }
    // A field and its buttons: the same height, on the same line (no button a few pixels off).
    for (const line of document.querySelectorAll(".add__row, .edit__row")) {
      if (!shown(line)) continue;
      const parts = [...line.children].filter((e) => shown(e) && !e.matches("label"));
      const [first, ...rest] = parts.map((e) => e.getBoundingClientRect());
      rest.forEach((r, i) => {
        if (Math.abs(r.top - first!.top) > 0.5 || Math.abs(r.height - first!.height) > 0.5)
          problems.push(
            `${name(line)}: ${name(parts[i + 1]!)} is not aligned with ${name(parts[0]!)}`,
          );
      });
    }
    const header = document.querySelector("header");
    if (header) {
      const items = [...header.querySelectorAll("[data-testid]")].filter(shown);
      for (let i = 0; i < items.length; i++)
        for (let j = i + 1; j < items.length; j++) {
          const a = items[i]!.getBoundingClientRect();
          const b = items[j]!.getBoundingClientRect();
          if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
            problems.push(`header: ${name(items[i]!)} overlaps ${name(items[j]!)}`);
        }
    }
    return problems;
  });
}

/** Measures, checks accessibility, and saves the screen for review. */
async function screen(page: Page, name: string, size: Size, scheme: Scheme): Promise<void> {
  await interactive(page); // as people see it once it works
  expect(await layoutProblems(page), `${name} layout`).toEqual([]);
  expect(await accessibilityViolations(page), `${name} accessibility`).toEqual([]);
  await page.screenshot({
    path: join(SHOTS, `${name}-${size.width}x${size.height}-${scheme}.png`),
  });
}

// ---- Main flows -----------------------------------------------------------------------------

describe("through the Ingress stand-in", () => {
  it("signs up, adds, completes, edits, deletes, asks the assistant, and keeps it all after a reload", async () => {
    const { page, context } = await open({ path: "/" });
    await expect.poll(() => page.url()).toBe(`${ingress.url}/login`);
    await signUpInBrowser(page, ingress.url, `e2e-${Date.now()}@example.com`);
    await page.getByTestId("empty").getByText("Nothing to do yet").waitFor();
    // The session: one site-wide Strict cookie (lib/session-cookie.ts).
    expect(await sessionCookies(context)).toMatchObject([
      { name: "todo.session", path: "/", sameSite: "Strict" },
    ]);

    for (const title of ["Buy milk", "Walk the dog", "Write the report", "Old idea"])
      await addTask(page, title);
    expect(await titles(page)).toEqual([
      "Old idea",
      "Write the report",
      "Walk the dog",
      "Buy milk",
    ]);
    expect(await page.getByTestId("count").innerText()).toBe("4 to do · 0 done");

    // Complete one (keyboard: focus the checkbox, Space); the row is drawn as done.
    await checkbox(page, "Buy milk").focus();
    await page.keyboard.press("Space");
    await expect.poll(() => row(page, "Buy milk").getAttribute("class")).toBe("task task--done");
    await expect.poll(() => page.getByTestId("count").innerText()).toBe("3 to do · 1 done");

    // Edit one; Enter saves.
    await page.getByRole("button", { name: "Edit “Walk the dog”" }).click();
    await page.getByLabel("Edit “Walk the dog”").fill("Walk the dog twice");
    await page.keyboard.press("Enter");
    await row(page, "Walk the dog twice").waitFor();

    // Delete one; the undo window is closed (✕), so the delete is sent.
    await page.getByRole("button", { name: "Delete “Old idea”" }).click();
    await page.getByTestId("toast").getByRole("button", { name: "Dismiss" }).click();
    await expect
      .poll(() => titles(page))
      .toEqual(["Write the report", "Walk the dog twice", "Buy milk"]);

    // The assistant adds a task through its tool call; the list and the panel show the change.
    await page.getByLabel("Message the assistant").fill("add Call the plumber");
    await page.getByRole("button", { name: "Send" }).click();
    await page
      .getByLabel("What the assistant changed")
      .getByText("Added “Call the plumber”")
      .waitFor();
    await row(page, "Call the plumber").waitFor();

    await page.reload();
    await interactive(page);
    await rows(page).first().waitFor();
    expect(await titles(page)).toEqual([
      "Call the plumber",
      "Write the report",
      "Walk the dog twice",
      "Buy milk",
    ]);
    expect(await checkbox(page, "Buy milk").isChecked()).toBe(true);
    expect(await checkbox(page, "Walk the dog twice").isChecked()).toBe(false);
    expect(await layoutProblems(page)).toEqual([]);
    // The product's own typeface, and regular (not bold) text in the fields.
    const fonts = await page.evaluate(() => ({
      body: getComputedStyle(document.body).fontFamily,
      field: getComputedStyle(document.getElementById("new-task")!).fontWeight,
      loaded: [...document.fonts].some((f) => /inter/i.test(f.family) && f.status === "loaded"),
    }));
    // Fetched when the first visit was idle, so this reload draws Inter itself.
    expect(
      fonts.body
        .split(",")[0]!
        .trim()
        .replace(/^['"]|['"]$/g, ""),
    ).toBe("inter");
    expect(fonts).toMatchObject({ field: "400", loaded: true });

    await page.getByTestId("account-button").click();
    await page.getByText("Signed in as").waitFor();
    await page.getByRole("button", { name: "Log out" }).click();
    await expect.poll(() => page.url()).toBe(`${ingress.url}/login`);
    expect(await sessionCookies(context)).toEqual([]);
    await page.goto(`${ingress.url}/`);
    await expect.poll(() => page.url()).toBe(`${ingress.url}/login`);
    await context.close();
  });

  it("a tab opened for one account never acts for another that logged in elsewhere", async () => {
    const ada = await signUp(backend);
    await seed(ada, ["Ada's task"]);
    const bea = await signUp(backend, "Bea");
    await seed(bea, ["Bea's task"]);
    const { page, context } = await open({ account: ada });
    await row(page, "Ada's task").waitFor();
    // (open() waited for the scripts: before them, a changed cookie only reloads the page.)
    // Another tab of this browser logs in as Bea: the cookie all tabs share is now hers.
    await context.addCookies([{ ...cookieOf(bea), url: ingress.url }]);
    await page.getByLabel("New task").fill("Typed on Ada's screen");
    await page.getByLabel("New task").press("Enter");
    // Not added for anyone; the tab shows Bea's screen, and her session stays.
    await row(page, "Bea's task").waitFor();
    expect(await row(page, "Ada's task").count()).toBe(0);
    expect(await serverTitles(ada)).toEqual(["Ada's task"]);
    expect(await serverTitles(bea)).toEqual(["Bea's task"]);
    expect(await sessionCookies(context)).toHaveLength(1);
    await context.close();
  });

  it("on a phone: rows stay on one line, editing too, and the assistant is one tap away", async () => {
    const account = await signUp(backend);
    const long = "Supercalifragilisticexpialidocious".repeat(5).slice(0, 200);
    await seed(account, ["Water the plants", long, "Renew passport before the summer trip"]);
    const { page, context } = await open({ size: PHONE, account });
    await rows(page).first().waitFor();
    expect(await layoutProblems(page)).toEqual([]);

    // The assistant: a tab in the bar at the bottom, inside the first screen, one tap away.
    const tab = page.getByRole("tab", { name: "Assistant" });
    const box = (await tab.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    expect(await page.getByLabel("Message the assistant").isVisible()).toBe(false);
    await tab.click();
    const input = page.getByLabel("Message the assistant");
    expect(await input.isVisible()).toBe(true);
    const field = (await input.boundingBox())!;
    expect(field.y + field.height).toBeLessThanOrEqual(PHONE.height);
    expect(await rows(page).first().isVisible()).toBe(false);
    await input.fill("add Call the plumber");
    await input.press("Enter");
    await page.getByText("Added “Call the plumber”", { exact: true }).waitFor();
    expect(await layoutProblems(page)).toEqual([]);

    await page.getByRole("tab", { name: "Tasks" }).click();
    await row(page, "Call the plumber").waitFor();
    // Editing keeps the field, Save and Cancel on one line.
    await page.getByRole("button", { name: "Edit “Water the plants”" }).click();
    expect(await layoutProblems(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Edit “Water the plants”" }).waitFor();

    // And at 320 px, the narrowest phone the issue names.
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await layoutProblems(page)).toEqual([]);
    await context.close();
  });

  it("completing draws the tick and strikes the title through, with motion unless it is reduced", async () => {
    const account = await signUp(backend);
    await seed(account, ["Moving", "Still"]);
    for (const motion of [true, false]) {
      const { page, context } = await open({ account, motion });
      await row(page, "Moving").waitFor();
      const style = (title: string) =>
        row(page, title)
          .locator(".task__text")
          .evaluate((e) => {
            const s = getComputedStyle(e);
            return { duration: s.transitionDuration, size: s.backgroundSize };
          });
      const before = await style(motion ? "Moving" : "Still");
      expect(before.size).toBe("0px 1px");
      await checkbox(page, motion ? "Moving" : "Still").click();
      await expect
        .poll(async () => (await style(motion ? "Moving" : "Still")).size)
        .toBe("100% 1px");
      expect(before.duration).toBe(motion ? "0.4s" : "0.001s");
      await context.close();
    }
  });

  it("shows loading skeletons, not a count of nothing, while the list is on its way", async () => {
    const account = await signUp(backend);
    await seed(account, ["Buy milk"]);
    await whileHeld("GET /api/tasks", async (release) => {
      const { page, context } = await open({ account, unseen: true });
      await page.getByTestId("skeleton").waitFor();
      expect(await page.getByTestId("count").count()).toBe(0);
      expect(await page.getByText(/0 to do|0 open/).count()).toBe(0);
      release();
      await row(page, "Buy milk").waitFor();
      expect(await page.getByTestId("skeleton").count()).toBe(0);
      expect(await page.getByTestId("count").innerText()).toBe("1 to do · 0 done");
      await context.close();
    });
  });
});

describe("the task screen's first page, drawn by the server", () => {
  it("is in the HTML: on screen with every script blocked, and the browser does not ask again", async () => {
    const account = await signUp(backend);
    const script = "</script><img src=x onerror=alert(1)>";
    await seed(account, ["Buy milk", "Call <Sam> & co", script]);
    const { name, value } = cookieOf(account);
    const html = async (cookie?: string) => {
      const response = await fetch(`${ingress.url}/`, { headers: cookie ? { cookie } : {} });
      // A page with someone's tasks in it is never kept by a shared cache.
      expect(response.headers.get("cache-control")).toMatch(/\bprivate\b.*\bno-store\b/);
      return response.text();
    };
    const signedIn = await html(`${name}=${value}`);
    expect(signedIn).toContain("Buy milk");
    expect(signedIn).toContain("Call &lt;Sam&gt; &amp; co"); // escaped, as React escapes text
    expect(signedIn).not.toContain(script); // not even in the data the page hydrates from
    const anonymous = await html();
    expect(anonymous).not.toContain("Buy milk");
    expect(anonymous).toContain('data-testid="skeleton"');
    // Another account's cookie draws that account's tasks, never these.
    const otherAccount = await signUp(backend);
    await seed(otherAccount, ["Walk the dog"]);
    const other = cookieOf(otherAccount);
    const theirs = await html(`${other.name}=${other.value}`);
    expect(theirs).toContain("Walk the dog");
    expect(theirs).not.toContain("Buy milk");

    const context = await browser.newContext({ viewport: PHONE });
    await context.addCookies([{ ...cookieOf(account), url: ingress.url }]);
    const page = await context.newPage();
    await page.route("**/_next/static/chunks/*.js", (route) => route.abort());
    await page.goto(`${ingress.url}/`);
    expect(await row(page, "Buy milk").isVisible()).toBe(true);
    expect(await row(page, "Call <Sam> & co").isVisible()).toBe(true);

    const lists: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/tasks") lists.push(request.url());
    });
    await page.unroute("**/_next/static/chunks/*.js");
    await page.reload();
    // Hydrated (a click reaches the server) without a second request for the list.
    await interactive(page);
    await checkbox(page, "Buy milk").click();
    await expect.poll(() => checkbox(page, "Buy milk").isChecked()).toBe(true);
    await expect.poll(() => serverDone(account, "Buy milk")).toBe(true);
    expect(lists).toEqual([]);
    await context.close();
  });

  it("a backend slower than the page waits for (2 s): skeletons, then the browser's own request", async () => {
    const account = await signUp(backend);
    await seed(account, ["Buy milk"]);
    await whileHeld("GET /api/tasks", async (release) => {
      const { name, value } = cookieOf(account);
      // The whole response, with the backend still held: the server gave up on it.
      const html = await (
        await fetch(`${ingress.url}/`, { headers: { cookie: `${name}=${value}` } })
      ).text();
      expect(html).toContain('data-testid="skeleton"');
      expect(html).not.toContain("Buy milk");
      const { page, context } = await open({ account });
      await page.getByTestId("skeleton").first().waitFor();
      release();
      await row(page, "Buy milk").waitFor();
      await context.close();
    });
  });

  it("without the backend, the HTML leaves the list to the browser, which says what happened", async () => {
    const account = await signUp(backend);
    await seed(account, ["Buy milk"]);
    ingress.api = await stoppedBackend();
    try {
      const { page, context } = await open({ account });
      await page.getByRole("alert").filter({ hasText: "Your tasks couldn’t be loaded." }).waitFor();
      ingress.api = backend;
      await page.getByRole("button", { name: "Try again" }).click();
      await row(page, "Buy milk").waitFor();
      await context.close();
    } finally {
      ingress.api = backend;
    }
  });
});

describe("before the page's scripts have run", () => {
  it("log-in cannot be sent: the password never reaches the address, and what was typed stays", async () => {
    const account = await signUp(backend);
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const release = await holdScripts(page);
    await page.goto(`${ingress.url}/login`, { waitUntil: "domcontentloaded" });
    const sent = navigations(page);
    expect(await page.locator("form[data-ready]").count()).toBe(0);
    await page.getByLabel("Email").fill(account.user.email);
    await page.getByLabel("Password").fill("correct horse battery");
    // Enter, the button, and a script's requestSubmit() (a password manager's auto-submit):
    // without the guard, each had the browser send /login?email=…&password=….
    await page.getByLabel("Password").press("Enter");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.evaluate(() => document.querySelector("form")!.requestSubmit());
    await page.waitForTimeout(300);
    expect(sent).toEqual([]);
    release();
    await interactive(page);
    expect(sent).toEqual([]);
    expect(await page.getByLabel("Email").inputValue()).toBe(account.user.email);
    expect(await page.getByLabel("Password").inputValue()).toBe("correct horse battery");
    await page.getByLabel("Password").press("Enter");
    await expect.poll(() => page.url()).toBe(`${ingress.url}/`);
    await page.getByTestId("account-button").waitFor();
    // React sent it: the page came by client-side navigation, never the browser's own GET.
    expect(sent.filter((s) => s.url.includes("password"))).toEqual([]);
    await context.close();
  });

  it("form.submit(), which no guard can cancel, sends the fields in a body, never in the address", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await holdScripts(page); // never released: React does not run on this page
    await page.goto(`${ingress.url}/login`, { waitUntil: "domcontentloaded" });
    const sent = navigations(page);
    await page.getByLabel("Email").fill("ada@example.com");
    await page.getByLabel("Password").fill("correct horse battery");
    // submit() fires no submit event: the form's method="post" is what keeps the address clean.
    await page.evaluate(() => document.querySelector("form")!.submit());
    await expect.poll(() => sent).toEqual([{ method: "POST", url: `${ingress.url}/login` }]);
    await page.waitForLoadState("domcontentloaded");
    expect(page.url()).toBe(`${ingress.url}/login`);
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await context.close();
  });

  it("the server-drawn task screen sends nothing, stays where it is, and keeps what was typed", async () => {
    const account = await signUp(backend);
    await seed(account, ["Buy milk"]);
    const context = await browser.newContext({ viewport: PHONE });
    await context.addCookies([{ ...cookieOf(account), url: ingress.url }]);
    const page = await context.newPage();
    const release = await holdScripts(page);
    await page.goto(`${ingress.url}/`, { waitUntil: "domcontentloaded" });
    await row(page, "Buy milk").waitFor();
    const sent = navigations(page);
    await page.getByLabel("New task").fill("Typed too early");
    await page.getByLabel("New task").press("Enter");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.waitForTimeout(300);
    expect(sent).toEqual([]);
    expect(await serverTitles(account)).toEqual(["Buy milk"]);
    release();
    await interactive(page);
    expect(sent).toEqual([]);
    // The text survived hydration (the field is controlled: lib's CountedInput takes it over).
    expect(await page.getByLabel("New task").inputValue()).toBe("Typed too early");
    await page.getByLabel("New task").press("Enter");
    await row(page, "Typed too early").waitFor();
    expect(await page.getByLabel("New task").inputValue()).toBe("");
    expect(await serverTitles(account)).toEqual(["Typed too early", "Buy milk"]);
    await context.close();
  });
});

describe("the typeface (lib/font.ts)", () => {
  /** When the page asked for Inter, after its load event or before it, and what it draws with. */
  const fontState = (page: Page) =>
    page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const font = performance
        .getEntriesByType("resource")
        .find((entry) => entry.name.endsWith(".woff2"));
      return {
        requested:
          font === undefined ? null : font.startTime >= nav.loadEventEnd ? "after" : "during",
        attribute: document.documentElement.getAttribute("data-font"),
        family: getComputedStyle(document.body).fontFamily.split(",")[0]!.trim(),
        stored: window.localStorage.getItem("todo.font"),
      };
    });

  it("a first visit draws the fallback and fetches Inter after load; the next draws Inter", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${ingress.url}/login`);
    // Fetched once the page is idle, into the cache; noted for the next visit.
    await expect.poll(() => fontState(page).then((s) => s.stored)).toBe("inter");
    const first = await fontState(page);
    expect(first).toMatchObject({ requested: "after", attribute: null });
    // The fallback app/globals.css names is the one next/font generated for Inter.
    const generated = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue("--font-inter"),
    );
    expect(generated.split(",").map((f) => f.trim().replace(/^['"]|['"]$/g, ""))).toEqual([
      "inter",
      first.family.replace(/^['"]|['"]$/g, ""),
    ]);

    await page.reload();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    const next = await fontState(page);
    expect(next).toMatchObject({ requested: "during", attribute: "inter", family: "inter" });
    // From the cache, within `optional`'s short wait: Inter is what the text is drawn with.
    expect(await page.evaluate(() => document.fonts.check("16px inter"))).toBe(true);
    await context.close();
  });
});

// ---- Every main screen, both sizes, both themes ---------------------------------------------

describe.each([
  ["phone", PHONE],
  ["desktop", DESKTOP],
] as const)("screens on a %s", (_, size) => {
  it.each(["light", "dark"] as const)(
    "%s: laid out, accessible, and saved for review",
    async (scheme) => {
      // As people see it after their first visit: in Inter.
      const login = await open({ size, scheme, path: "/login", returning: true });
      await screen(login.page, "login", size, scheme);
      await login.page.goto(`${ingress.url}/signup`);
      await screen(login.page, "signup", size, scheme);
      // The form's own checks, before anything is sent.
      await login.page.getByRole("button", { name: "Create account" }).click();
      await login.page.getByText("Enter your email address.").waitFor();
      await screen(login.page, "signup-invalid", size, scheme);
      await login.context.close();

      const empty = await open({ size, scheme, account: await signUp(backend), returning: true });
      await empty.page.getByTestId("empty").waitFor();
      await screen(empty.page, "tasks-empty", size, scheme);
      await empty.context.close();

      const account = await signUp(backend);
      await seed(
        account,
        [
          "Renew passport before the summer trip",
          "Buy oat milk",
          "Book a table for Friday",
          "Water the plants",
          "Send the quarterly report to Sam",
        ],
        ["Water the plants"],
      );
      // Held on its way, the list the browser loads itself shows its skeleton.
      const { page, context } = await whileHeld("GET /api/tasks", async () => {
        const opened = await open({ size, scheme, account, returning: true, unseen: true });
        await opened.page.getByTestId("skeleton").waitFor();
        await screen(opened.page, "tasks-loading", size, scheme);
        return opened;
      });
      await rows(page).first().waitFor();
      if (size === DESKTOP) {
        await page.getByLabel("Message the assistant").fill("add Call the plumber");
        await page.getByLabel("Message the assistant").press("Enter");
        await row(page, "Call the plumber").waitFor();
      }
      await screen(page, "tasks", size, scheme);

      await page.getByRole("button", { name: "Edit “Buy oat milk”" }).click();
      await screen(page, "tasks-editing", size, scheme);
      await page.keyboard.press("Escape");

      await page.getByRole("button", { name: "Delete “Book a table for Friday”" }).click();
      await page.getByTestId("toast").hover();
      await screen(page, "tasks-undo", size, scheme);
      await page.getByTestId("toast").getByRole("button", { name: "Undo" }).click();
      await row(page, "Book a table for Friday").waitFor();

      if (size === PHONE) {
        await page.getByRole("tab", { name: "Assistant" }).click();
        await page.getByLabel("Message the assistant").fill("add Call the plumber");
        await page.getByLabel("Message the assistant").press("Enter");
        await page.getByText("Added “Call the plumber”", { exact: true }).waitFor();
        await screen(page, "assistant", size, scheme);
        await page.getByRole("tab", { name: "Tasks" }).click();
      }

      await page.getByTestId("account-button").click();
      await page.getByRole("button", { name: "Log out" }).waitFor();
      await screen(page, "account-menu", size, scheme);
      await page.keyboard.press("Escape");

      if (size === DESKTOP) {
        await page.keyboard.press("?");
        await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
        await screen(page, "shortcuts", size, scheme);
        await page.keyboard.press("Escape");
      }

      // An error, as people see it: the backend stopped, the field keeps what was typed.
      ingress.api = await stoppedBackend();
      try {
        await page.getByLabel("New task").fill("Pick up the dry cleaning");
        await page.getByLabel("New task").press("Enter");
        await notice(page).getByText("Todo’s server isn’t responding").waitFor();
        await screen(page, "tasks-error", size, scheme);
        await page.reload();
        await page
          .getByRole("alert")
          .filter({ hasText: "Your tasks couldn’t be loaded." })
          .waitFor();
        await screen(page, "tasks-load-failed", size, scheme);
      } finally {
        ingress.api = backend;
      }
      await page.getByRole("button", { name: "Try again" }).click();
      await rows(page).first().waitFor();
      await context.close();
    },
  );
});

// ---- Validation before sending --------------------------------------------------------------

describe("validation before sending", () => {
  it("refuses an empty title with a sentence, and sends nothing", async () => {
    const account = await signUp(backend);
    const { page, context } = await open({ account });
    await page.getByTestId("empty").waitFor();
    await page.getByLabel("New task").fill("     ");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByText("Type what needs doing first.").waitFor();
    expect(await page.getByLabel("New task").getAttribute("aria-invalid")).toBe("true");
    expect(await serverTitles(account)).toEqual([]);
    await context.close();
  });

  it("counts characters near the limit and refuses a 10,000-character paste without cutting it", async () => {
    const account = await signUp(backend);
    const { page, context } = await open({ account });
    await page.getByTestId("empty").waitFor();
    const field = page.getByLabel("New task");
    const counter = page.locator("#new-task-counter");

    await field.fill("a".repeat(150));
    expect(await counter.isVisible()).toBe(false);
    await field.fill("a".repeat(190));
    expect(await counter.innerText()).toBe("10 characters left");
    await field.fill("a".repeat(200));
    expect(await counter.innerText()).toBe("0 characters left");

    // A paste of 10,000 characters stays whole; the counter says how much is too much.
    const paste = "x".repeat(10_000);
    await field.fill(paste);
    expect(await field.inputValue()).toBe(paste);
    expect(await counter.innerText()).toBe("9,800 characters too many");
    expect(await counter.getAttribute("class")).toContain("counter--over");
    await field.press("Enter");
    await page.getByText("Titles can be up to 200 characters. Remove 9,800 to add it.").waitFor();
    expect(await field.inputValue()).toBe(paste);
    expect(await serverTitles(account)).toEqual([]);

    // Exactly at the limit it is saved, whole.
    await field.fill("b".repeat(200));
    await field.press("Enter");
    await rows(page).first().waitFor();
    expect(await serverTitles(account)).toEqual(["b".repeat(200)]);

    // Editing is held to the same rules.
    await page.getByRole("button", { name: /^Edit/ }).click();
    const edit = page.getByLabel(/^Edit “b+”$/);
    await edit.fill("c".repeat(201));
    expect(await page.locator("[data-testid=task] [data-testid=counter]").innerText()).toBe(
      "1 character too many",
    );
    await edit.press("Enter");
    await page.getByText("Titles can be up to 200 characters. Remove 1 to save.").waitFor();
    await edit.fill("   ");
    await edit.press("Enter");
    await page.getByText(/A task needs a title/).waitFor();
    expect(await serverTitles(account)).toEqual(["b".repeat(200)]);
    await context.close();
  });
});

// ---- Delete with undo -----------------------------------------------------------------------

describe("delete with undo", () => {
  it("Undo puts the task back where it was, and the server still has it", async () => {
    const account = await signUp(backend);
    await seed(account, ["First", "Second", "Third"]);
    const { page, context } = await open({ account });
    await row(page, "Second").waitFor();
    await page.getByRole("button", { name: "Delete “Second”" }).click();
    const toast = page.getByTestId("toast");
    await toast.hover();
    expect(await toast.innerText()).toContain("Deleted “Second”");
    expect(await titles(page)).toEqual(["First", "Third"]);
    await toast.getByRole("button", { name: "Undo" }).click();
    expect(await titles(page)).toEqual(["First", "Second", "Third"]);
    expect(await toast.count()).toBe(0);
    // Leaving the page would send a delete still waiting: none is waiting, so nothing is lost.
    await page.reload();
    await interactive(page);
    await row(page, "Third").waitFor();
    expect(await titles(page)).toEqual(["First", "Second", "Third"]);
    expect(await serverTitles(account)).toEqual(["First", "Second", "Third"]);

    // z undoes too (a single-key shortcut).
    await page.getByRole("button", { name: "Delete “First”" }).click();
    await page.getByTestId("toast").waitFor();
    await page.keyboard.press("z");
    await expect.poll(() => titles(page)).toEqual(["First", "Second", "Third"]);
    await page.reload();
    await row(page, "First").waitFor();
    expect(await serverTitles(account)).toEqual(["First", "Second", "Third"]);
    await context.close();
  });

  it("without Undo, the delete reaches the server: on dismiss, on the next delete, on leaving", async () => {
    const account = await signUp(backend);
    await seed(account, ["One", "Two", "Three", "Four"]);
    const { page, context } = await open({ account });
    await row(page, "Four").waitFor();

    await page.getByRole("button", { name: "Delete “One”" }).click();
    await page.getByTestId("toast").getByRole("button", { name: "Dismiss" }).click();
    await expect.poll(() => serverTitles(account)).toEqual(["Two", "Three", "Four"]);

    // A second delete ends the first one's window.
    await page.getByRole("button", { name: "Delete “Two”" }).click();
    await page.getByRole("button", { name: "Delete “Three”" }).click();
    await expect.poll(() => serverTitles(account)).toEqual(["Three", "Four"]);
    expect(await page.getByTestId("toast").innerText()).toContain("Deleted “Three”");

    // Leaving the page sends the one still waiting.
    await page.goto("about:blank");
    await expect.poll(() => serverTitles(account)).toEqual(["Four"]);
    await context.close();
  });
});

// ---- Human messages for every error ---------------------------------------------------------

describe("human messages", () => {
  it("401: a session that has ended sends you to log in, and says why", async () => {
    const account = await signUp(backend);
    const { page, context } = await open({
      account: { ...account, access_token: "expired.or.forged" },
    });
    await expect.poll(() => page.url()).toBe(`${ingress.url}/login`);
    await page
      .getByText("Your session has ended. Log in again to carry on where you left off.")
      .waitFor();
    await context.close();
  });

  it("401 on log-in: wrong email or password", async () => {
    const { page, context } = await open({ path: "/login" });
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect
      .poll(() => notice(page).innerText())
      .toBe("Wrong email or password. Check both and try again.");
    await context.close();
  });

  it("404: a task deleted on another device", async () => {
    const account = await signUp(backend);
    await seed(account, ["Gone elsewhere", "Still here"]);
    const { page, context } = await open({ account });
    await row(page, "Gone elsewhere").waitFor();
    const [gone] = (
      (await (await api(backend, account)("GET", "/tasks")).json()) as {
        items: { id: number; title: string }[];
      }
    ).items.filter((t) => t.title === "Gone elsewhere");
    expect((await api(backend, account)("DELETE", `/tasks/${gone!.id}`)).status).toBe(204);
    await checkbox(page, "Gone elsewhere").click();
    await notice(page)
      .getByText(
        "That task wasn’t updated. It had already been deleted, perhaps on another device.",
      )
      .waitFor();
    await expect.poll(() => titles(page)).toEqual(["Still here"]);
    await context.close();
  });

  it("409: an email that already has an account, with a way to log in instead", async () => {
    const account = await signUp(backend);
    const { page, context } = await open({ path: "/signup" });
    await page.getByLabel("Email").fill(account.user.email);
    await page.getByLabel("Password").fill("another good password");
    await page.getByRole("button", { name: "Create account" }).click();
    await notice(page)
      .getByText("An account with this email already exists. Log in instead, or use another email.")
      .waitFor();
    await page.getByRole("link", { name: "Log in instead" }).click();
    await expect.poll(() => page.url()).toBe(`${ingress.url}/login`);
    await context.close();
  });

  it("422: an email the server refuses, in plain words", async () => {
    const { page, context } = await open({ path: "/signup" });
    // The browser accepts it (no dot is needed in its rules); the backend does not.
    await page.getByLabel("Email").fill("ada@example");
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await notice(page)
      .getByText(
        "Your account wasn’t created. That email address doesn’t look right. Check it, for example name@example.com.",
      )
      .waitFor();
    expect(await page.getByText(/value is not a valid|String should/).count()).toBe(0);
    await context.close();
  });

  it("413 from a stand-in (the client's own limits keep real bodies far below the backend's)", async () => {
    // The backend refuses bodies over 64 KiB (1 MiB for a chat); with titles held to 200
    // characters and messages to 4,000 before sending, no real request comes near, so the
    // Ingress stand-in answers as the backend would.
    const account = await signUp(backend);
    const site = await startIngress(backend, frontend);
    const { page, context } = await open({ account, base: site.url });
    await page.getByTestId("empty").waitFor();
    const field = page.getByLabel("Message the assistant");
    await field.fill("add First");
    await field.press("Enter");
    await page.getByText("Added “First”", { exact: true }).waitFor();

    site.answers.set("POST /api/chat", {
      status: 413,
      body: { detail: "The request body is over the limit of 1048576 bytes" },
      headers: { Connection: "close" },
    });
    await field.fill("add Second");
    await field.press("Enter");
    await notice(page)
      .getByText(
        "This conversation has grown too long to send. Start a new chat, or send a shorter message.",
      )
      .waitFor();
    expect(await field.inputValue()).toBe("add Second");
    site.answers.clear();
    await page.getByTestId("notice").getByRole("button", { name: "New chat" }).click();
    expect(await page.locator(".message").count()).toBe(0);
    await field.press("Enter");
    await page.getByText("Added “Second”", { exact: true }).waitFor();

    site.answers.set("POST /api/tasks", {
      status: 413,
      body: { detail: "The request body is over the limit of 65536 bytes" },
      headers: { Connection: "close" },
    });
    await page.getByLabel("New task").fill("Third");
    await page.getByLabel("New task").press("Enter");
    await notice(page)
      .getByText(
        "Your task wasn’t added. That’s more text than Todo accepts. Shorten it and try again.",
      )
      .waitFor();
    expect(await page.getByLabel("New task").inputValue()).toBe("Third");
    await context.close();
    await site.close();
  });

  it("502 and a network that is down: the text stays, and Try again works once it is back", async () => {
    const account = await signUp(backend);
    const site = await startIngress(backend, frontend);
    const { page, context } = await open({ account, base: site.url });
    await page.getByTestId("empty").waitFor();

    // The backend stopped: the Ingress answers 502.
    site.api = await stoppedBackend();
    await page.getByLabel("New task").fill("Call the bank");
    await page.getByLabel("New task").press("Enter");
    await notice(page)
      .getByText(
        "Your task wasn’t added. Todo’s server isn’t responding right now. Try again in a moment.",
      )
      .waitFor();
    expect(await page.getByLabel("New task").inputValue()).toBe("Call the bank");
    site.api = backend;
    await page.getByRole("button", { name: "Try again" }).click();
    await row(page, "Call the bank").waitFor();
    expect(await page.getByLabel("New task").inputValue()).toBe("");

    // The whole site unreachable (offline): no answer at all.
    await site.close();
    await checkbox(page, "Call the bank").click();
    await notice(page)
      .getByText(
        "That task wasn’t updated. Todo can’t be reached: check your internet connection, then try again.",
      )
      .waitFor();
    expect(await checkbox(page, "Call the bank").isChecked()).toBe(false);
    await site.reopen();
    await page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => checkbox(page, "Call the bank").isChecked()).toBe(true);
    await context.close();
    await site.close();
  });

  it("503: the backend without its database", async () => {
    const site = await startIngress(await startBackendWithoutDatabase(), frontend);
    const { page, context } = await open({ base: site.url, path: "/signup" });
    await page.getByLabel("Email").fill(`ada-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await notice(page)
      .getByText(
        /^Your account wasn’t created\. Todo is briefly unavailable\. Try again in \d+ seconds?\.$/,
      )
      .waitFor();
    expect(await page.getByRole("button", { name: /Try again/ }).count()).toBe(1);
    await context.close();
    await site.close();
  });

  it("400, 500, and the assistant's 502, 503 and 504, from a stand-in for the backend", async () => {
    const account = await signUp(backend);
    await seed(account, ["Existing task"]);
    const site = await startIngress(backend, frontend);
    const { page, context } = await open({ account, base: site.url });
    await row(page, "Existing task").waitFor();
    const [task] = (
      (await (await api(backend, account)("GET", "/tasks")).json()) as {
        items: { id: number }[];
      }
    ).items;

    site.answers.set("POST /api/tasks", {
      status: 400,
      body: { detail: "The body could not be read as UTF-8 JSON" },
    });
    await page.getByLabel("New task").fill("Unreadable");
    await page.getByLabel("New task").press("Enter");
    await notice(page)
      .getByText(
        "Your task wasn’t added. Your browser sent something the server couldn’t read. Reload the page, then try again.",
      )
      .waitFor();

    site.answers.set(`PATCH /api/tasks/${task!.id}`, { status: 500 });
    await checkbox(page, "Existing task").click();
    await notice(page)
      .getByText(
        "That task wasn’t updated. Something went wrong on our side, not yours. Try again in a moment.",
      )
      .waitFor();
    site.answers.clear();
    await page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => checkbox(page, "Existing task").isChecked()).toBe(true);

    const chat = page.getByLabel("Message the assistant");
    // The change the stand-in reports as saved is saved for real, so the list shows it whether or
    // not the page reloads the tasks from the backend after the 504 (under load it may).
    const created = (await (
      await api(backend, account)("POST", "/tasks", { title: "Saved before the timeout" })
    ).json()) as Record<string, unknown>;
    const saved = { action: "added", task: created };
    site.answers.set("POST /api/chat", {
      status: 504,
      body: { detail: "The model service did not answer within 25 s", changes: [saved] },
    });
    await chat.fill("add Saved before the timeout and more");
    await chat.press("Enter");
    await notice(page)
      .getByText(
        "The assistant did not answer in time. One change was saved before it stopped. Try again in a moment.",
      )
      .waitFor();
    await page
      .getByLabel("Saved before it stopped")
      .getByText("Added “Saved before the timeout”")
      .waitFor();
    await row(page, "Saved before the timeout").waitFor();
    expect(await chat.inputValue()).toBe("add Saved before the timeout and more");

    site.answers.set("POST /api/chat", { status: 502, body: { detail: "upstream", changes: [] } });
    await page.getByRole("button", { name: "Try again" }).click();
    await notice(page)
      .getByText("The assistant’s AI service had a problem. Try again in a moment.")
      .waitFor();

    site.answers.set("POST /api/chat", {
      status: 503,
      body: { detail: "The assistant is not configured: OPENAI_API_KEY is not set." },
    });
    await chat.fill("hello");
    await chat.press("Enter");
    await notice(page)
      .getByText("The assistant isn’t switched on here. Everything else works as usual.")
      .waitFor();
    expect(await page.getByText(/OPENAI_API_KEY/).count()).toBe(0);
    await context.close();
    await site.close();
  });

  it("429: too many log-in attempts (the backend's real limit) says how long to wait", async () => {
    const account = await signUp(backend);
    // Ten wrong passwords from another device: the account's limit.
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${backend}/api/auth/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: account.user.email, password: `wrong ${i}` }),
      });
      expect(response.status).toBe(401);
    }
    const { page, context } = await open({ path: "/login" });
    await page.getByLabel("Email").fill(account.user.email);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Log in" }).click();
    await notice(page)
      .getByText(
        /^Too many log-in attempts\. To keep your account safe, wait \d+ (seconds?|minutes?) before trying again\.$/,
      )
      .waitFor();
    // The retry waits out Retry-After: it starts disabled, counting down.
    expect(await page.getByRole("button", { name: /^Try again in \d+ s$/ }).isDisabled()).toBe(
      true,
    );
    await context.close();
  });
});

// ---- Keyboard shortcuts ---------------------------------------------------------------------

describe("keyboard shortcuts", () => {
  it("n, / and ? work, Escape cancels, they are listed in the app, and can be turned off", async () => {
    const account = await signUp(backend);
    await seed(account, ["Something"]);
    const { page, context } = await open({ account });
    await row(page, "Something").waitFor();
    await page.locator("body").click({ position: { x: 5, y: 400 } });

    await page.keyboard.press("n");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("new-task");
    expect(await page.getByLabel("New task").inputValue()).toBe("");
    await page.keyboard.press("Escape");
    await page.locator("body").click({ position: { x: 5, y: 400 } });
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("assistant-input");
    expect(await page.getByLabel("Message the assistant").inputValue()).toBe("");

    // Escape cancels an edit and keeps the old title.
    await page.getByRole("button", { name: "Edit “Something”" }).click();
    await page.getByLabel("Edit “Something”").fill("Something else");
    await page.keyboard.press("Escape");
    expect(await titles(page)).toEqual(["Something"]);

    // ? lists them, in the app.
    await page.locator("body").click({ position: { x: 5, y: 400 } });
    await page.keyboard.press("?");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor();
    for (const what of ["New task", "Ask the assistant", "Undo a delete", "Cancel an edit"])
      await dialog.getByText(what).first().waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    // Turned off (WCAG 2.1.4), n types nothing and moves nothing.
    await dialog.getByLabel(/Single-key shortcuts/).uncheck();
    await page.keyboard.press("Escape");
    expect(await dialog.isVisible()).toBe(false);
    await page.locator("body").click({ position: { x: 5, y: 400 } });
    await page.keyboard.press("n");
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe("new-task");
    await context.close();
  });
});

// ---- The checks themselves ------------------------------------------------------------------

describe("the checks can fail", () => {
  it("the accessibility check reports violations", async () => {
    const page = await browser.newPage();
    await page.setContent(
      '<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>',
    );
    const violations = await accessibilityViolations(page);
    expect(violations.some((v) => v.startsWith("image-alt"))).toBe(true);
    expect(violations.some((v) => v.startsWith("label"))).toBe(true);
    await page.close();
  });

  it("the layout check reports a wrapped row, an overflow, an overlap and a cut placeholder", async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.setContent(`<html lang="en"><body style="margin:0">
      <header><a data-testid="a" style="position:absolute;left:0;width:200px">Brand</a>
        <button data-testid="b" style="position:absolute;left:150px;width:100px">Account</button></header>
      <ul style="margin-top:60px"><li data-testid="task" style="width:300px">
        <span class="check" style="display:inline-block;width:44px;height:44px"></span>
        <span class="task__title" style="display:block">A title on a line of its own</span>
        <button>Edit</button><button>Delete</button></li></ul>
      <input placeholder="e.g. add “call the plumber” to the list" style="width:100px">
      <div style="width:500px">Too wide</div></body></html>`);
    const problems = await layoutProblems(page);
    expect(problems.some((p) => p.includes("is on another line"))).toBe(true);
    expect(problems.some((p) => p.includes("scrolls sideways"))).toBe(true);
    expect(problems.some((p) => p.startsWith("header:"))).toBe(true);
    expect(problems.some((p) => p.includes("is cut off"))).toBe(true);
    await page.close();
  });
});

// ---- The frontend alone ---------------------------------------------------------------------

describe("the frontend alone, as through kubectl port-forward", () => {
  it("forwards /api to BACKEND_URL at run time, and the state persists", async () => {
    const { page, context } = await open({ base: frontend, path: "/signup" });
    await signUpInBrowser(page, frontend, `direct-${Date.now()}@example.com`);
    await addTask(page, "Forwarded by the frontend server");
    await checkbox(page, "Forwarded by the frontend server").check({ force: true });
    await expect
      .poll(() => row(page, "Forwarded by the frontend server").getAttribute("class"))
      .toBe("task task--done");
    await page.reload();
    await rows(page).first().waitFor();
    expect(await titles(page)).toEqual(["Forwarded by the frontend server"]);
    expect(await checkbox(page, "Forwarded by the frontend server").isChecked()).toBe(true);
    await context.close();
  });

  it("answers the probes' route without the backend, and serves the icon", async () => {
    const response = await fetch(`${frontend}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    const page = await fetch(`${frontend}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    const icon = /<link rel="icon" href="([^"]+)"/.exec(html)?.[1];
    expect(icon).toBeDefined();
    const svg = await fetch(new URL(icon!, frontend));
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toContain("image/svg+xml");
  });
});
