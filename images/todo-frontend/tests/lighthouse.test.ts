/**
 * Lighthouse (mobile settings) on the production build in Debian's Chromium, against the real
 * backend and PostgreSQL: the log-in screen and the task screen, signed in, with tasks.
 * Accessibility and Best Practices must be 100; Performance is reported, not asserted (it
 * depends on the machine's load: `npm run bench` gives the median of several runs).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { sessionCookie } from "../lib/session-cookie";
import { type Audit, audit } from "../scripts/lighthouse.ts";
import {
  api,
  signUp,
  startBackend,
  startFrontend,
  startIngress,
  stopAll,
} from "../scripts/stack.ts";

let audits: Audit[] = [];

beforeAll(async () => {
  const backend = await startBackend();
  const frontend = await startFrontend(backend);
  const site = await startIngress(backend, frontend);
  const account = await signUp(backend);
  for (const title of ["Water the plants", "Buy oat milk", "Renew passport before the summer trip"])
    await api(backend, account)("POST", "/tasks", { title });
  audits = await audit([
    { label: "log-in screen", url: `${site.url}/login` },
    { label: "task screen", url: `${site.url}/`, session: sessionCookie(account, false) },
  ]);
  for (const a of audits)
    console.log(
      `Lighthouse ${a.label}: Performance ${a.scores.performance}, Accessibility ${a.scores.accessibility}, ` +
        `Best Practices ${a.scores["best-practices"]}, SEO ${a.scores.seo}`,
    );
}, 600_000);

afterAll(stopAll);

it.each(["log-in screen", "task screen"])(
  "%s: Accessibility 100 and Best Practices 100",
  (label) => {
    const found = audits.find((a) => a.label === label)!;
    const failing = found.failing.filter((f) => /^(accessibility|best-practices):/.test(f));
    expect({ ...found.scores, failing }).toMatchObject({
      accessibility: 100,
      "best-practices": 100,
      failing: [],
    });
  },
);
