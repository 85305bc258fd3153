/**
 * `npm run bench`: Lighthouse (mobile settings) on the production build, in Debian's Chromium,
 * against the real backend and PostgreSQL. Prints Performance, Accessibility, Best Practices and
 * SEO for the log-in screen and the task screen (signed in, with tasks), the median of RUNS runs
 * (default 3; Performance varies with the machine's load), and the metrics behind Performance.
 * Builds first when the build is missing or older than the sources. Writes every report and a
 * summary to test-results/lighthouse/.
 *
 *   npm run bench                   (in images/todo-frontend)
 *   RUNS=5 npm run bench
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sessionCookie } from "../lib/session-cookie.ts";
import { type Audit, audit, CATEGORIES } from "./lighthouse.ts";
import {
  api,
  BACKEND,
  CHROMIUM,
  FRONTEND,
  signUp,
  startBackend,
  startFrontend,
  startIngress,
  stopAll,
} from "./stack.ts";

const RUNS = Math.max(1, Number(process.env.RUNS ?? 3));

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function buildIfStale(): void {
  const built = join(FRONTEND, ".next/standalone/server.js");
  const sources = ["app", "components", "lib", "public", "next.config.ts", "package-lock.json"];
  const changed = Math.max(
    ...sources
      .map((s) => join(FRONTEND, s))
      .filter(existsSync)
      .map(newest),
  );
  if (existsSync(built) && statSync(built).mtimeMs > changed) return;
  console.log("building the production app (npm run build)…");
  execFileSync("npm", ["run", "build"], { cwd: FRONTEND, stdio: "inherit" });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

if (!existsSync(CHROMIUM)) {
  console.error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  process.exit(1);
}
buildIfStale();
execFileSync(join(BACKEND, "venv.sh"), { stdio: "inherit" });
try {
  const backend = await startBackend();
  const frontend = await startFrontend(backend);
  const site = await startIngress(backend, frontend);
  const account = await signUp(backend);
  const call = api(backend, account);
  for (const title of [
    "Send the quarterly report to Sam",
    "Water the plants",
    "Book a table for Friday",
    "Buy oat milk",
    "Renew passport before the summer trip",
  ])
    await call("POST", "/tasks", { title });

  const pages = [
    { label: "log-in screen (/login)", url: `${site.url}/login` },
    {
      label: "task screen (/), signed in",
      url: `${site.url}/`,
      session: sessionCookie(account, false),
    },
  ];
  const runs: Audit[][] = [];
  for (let run = 1; run <= RUNS; run++) {
    process.stdout.write(`Lighthouse run ${run} of ${RUNS}…\n`);
    runs.push(await audit(pages));
  }

  const first = runs[0]![0]!;
  console.log(
    `\nLighthouse ${first.lighthouse}, mobile settings (simulated slow 4G, 4x CPU slowdown),`,
  );
  console.log(
    `${first.browser.replace(/^.*?(Chrome\/[\d.]+).*$/, "$1")} (Debian's Chromium), median of ${RUNS}\n`,
  );
  const rows = pages.map((page, i) => {
    const of = (pick: (a: Audit) => number) => median(runs.map((r) => pick(r[i]!)));
    return {
      page: page.label,
      Performance: of((a) => a.scores.performance),
      Accessibility: of((a) => a.scores.accessibility),
      "Best Practices": of((a) => a.scores["best-practices"]),
      SEO: of((a) => a.scores.seo),
      "FCP s": (of((a) => a.metrics.fcp) / 1000).toFixed(1),
      "LCP s": (of((a) => a.metrics.lcp) / 1000).toFixed(1),
      "TBT ms": Math.round(of((a) => a.metrics.tbt)),
      CLS: of((a) => a.metrics.cls).toFixed(3),
      "Performance, each run": runs.map((r) => r[i]!.scores.performance).join(" "),
    };
  });
  console.table(rows);
  const failing = [
    ...new Set(runs.flat().flatMap((a) => a.failing.map((f) => `${a.label}: ${f}`))),
  ];
  if (failing.length > 0) console.log(`\nAudits that did not pass:\n  ${failing.join("\n  ")}`);
  console.log(
    `\nTargets: Accessibility 100 and Best Practices 100 (asserted in tests/lighthouse.test.ts), Performance 95 or more.`,
  );
  const reports = join(FRONTEND, "test-results/lighthouse");
  mkdirSync(reports, { recursive: true });
  runs.forEach((run, r) =>
    run.forEach((a, p) =>
      writeFileSync(join(reports, `page-${p + 1}-run-${r + 1}.json`), JSON.stringify(a.lhr)),
    ),
  );
  const summary = runs.map((run) => run.map(({ lhr: _, ...rest }) => rest));
  writeFileSync(
    join(reports, "summary.json"),
    `${JSON.stringify({ categories: CATEGORIES, rows, runs: summary }, null, 2)}\n`,
  );
  console.log(`\nFull reports (JSON, open in the Lighthouse viewer): ${reports}`);
} finally {
  await stopAll();
}
