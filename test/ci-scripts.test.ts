/**
 * The scripts the workflows call: the drift gate (fails on a changed, missing or extra rendered
 * file exactly as `npm run check` does, passes on a clean tree, writes nothing), the staging
 * promotion (changes exactly the expected files, refuses bad input), and the pull-request summary
 * (per object, never a value; reads a pull request's commit as data; finds the pull request from
 * the workflow run's head commit and repository; shows names from the files only as inline code).
 */
import { spawnSync } from "node:child_process";
import { mkdir, readFile, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FIX, jobSummary } from "../scripts/drift-gate.ts";
import {
  code,
  changedFields,
  MARKER,
  markdown,
  MAX_CHARS,
  pullRequestFor,
  readTree,
  readTreeAt,
  summarize,
} from "../scripts/rendered-summary.ts";
import { ENTRY, REPO, run, scratchRepo, tree } from "./helpers.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function git(dir: string, ...args: string[]): string {
  const result = spawnSync("git", args, { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

/** A scratch repository whose commit holds the environments and the committed output. */
async function gitRepo(): Promise<string> {
  const dir = await scratchRepo();
  dirs.push(dir);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", ".");
  git(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base");
  return dir;
}
const commit = (dir: string) => {
  git(dir, "add", "-A");
  git(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "change");
};

describe("drift gate", () => {
  const gate = (dir: string, env: NodeJS.ProcessEnv = {}) =>
    run([join(REPO, "scripts/drift-gate.ts"), "--root", dir], {
      env: { ...process.env, GITHUB_STEP_SUMMARY: "", GITHUB_ACTIONS: "", ...env },
    });
  const check = (dir: string) => run([ENTRY, "check", "--root", dir]);

  it("passes on a clean tree and writes nothing", async () => {
    const dir = await gitRepo();
    const before = await tree(dir);
    const result = gate(dir);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(await tree(dir)).toEqual(before);
  });

  const drifts: [string, (dir: string) => Promise<void>, string, string][] = [
    [
      "a changed file",
      (dir) =>
        writeFile(join(dir, "rendered/staging/service-todo-backend-svc.yaml"), "edited: true\n"),
      "changed rendered/staging/service-todo-backend-svc.yaml",
      "- `rendered/staging/service-todo-backend-svc.yaml` differs from what the generator produces",
    ],
    [
      "a missing file",
      (dir) => unlink(join(dir, "argocd/application-todo-minikube.yaml")),
      "missing argocd/application-todo-minikube.yaml",
      "- `argocd/application-todo-minikube.yaml` is produced by the generator but not committed",
    ],
    [
      "an extra file",
      (dir) => writeFile(join(dir, "rendered/minikube/extra.yaml"), "kind: ConfigMap\n"),
      "extra   rendered/minikube/extra.yaml",
      "- `rendered/minikube/extra.yaml` is committed but the generator no longer produces it",
    ],
  ];
  it.each(drifts)(
    "fails on %s committed by hand, with the diff, the fix, a job summary and an annotation",
    async (_, change, line, listed) => {
      const dir = await gitRepo();
      await change(dir);
      commit(dir);
      const before = await tree(dir);
      const summary = join(tmpdir(), `drift-summary-${process.pid}-${Math.random()}.md`);
      const result = gate(dir, { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: "true" });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(`  ${line}\n`);
      expect(result.stdout).toMatch(/^(---|\+\+\+) [ab]\//m);
      expect(result.stdout).toContain(`Fix: ${FIX}`);
      const [change_, path] = line.split(/ +/);
      expect(result.stdout).toContain(
        `::error title=Rendered output drift::1 file(s) under rendered/ or argocd/ differ from the generator: ${path} (${change_}). Fix: ${FIX}\n`,
      );
      const written = await readFile(summary, "utf8");
      await rm(summary);
      expect(written).toContain("## Rendered output drift");
      expect(written).toContain(listed);
      expect(written).toContain(`\`\`\`sh\n${FIX}\n\`\`\``);
      expect(written).toMatch(/<details><summary>Diff[^]*\n(---|\+\+\+) [ab]\//);
      // The gate only reads; and `npm run check` sees the very same drift.
      expect(await tree(dir)).toEqual(before);
      const checked = check(dir);
      expect(checked.status).toBe(1);
      expect(checked.stdout).toContain(`  ${line}\n`);
    },
  );

  it("outside GitHub Actions it prints the same, without a summary file or an annotation", async () => {
    const dir = await gitRepo();
    await unlink(join(dir, "argocd/application-todo-minikube.yaml"));
    const result = gate(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`Fix: ${FIX}`);
    expect(result.stdout).not.toContain("::error");
  });

  it("exits 2 on invalid environment data, with an annotation, writing nothing", async () => {
    const dir = await gitRepo();
    const file = join(dir, "environments/staging.ts");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace(
        'name: "staging",',
        'name: "staging",\n  namespace: "Todo App",',
      ),
    );
    const before = await tree(dir);
    const result = gate(dir, { GITHUB_ACTIONS: "true" });
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^::error title=Invalid environment data::/m);
    expect(await tree(dir)).toEqual(before);
  });

  it("fences the diff in the summary so that committed text cannot close it", () => {
    const text = jobSummary([
      { path: "rendered/x.yaml", change: "changed", diff: "+ a: ````\n+ b: ```\n" },
    ]);
    expect(text).toContain("`````diff\n");
    expect(text).toContain("\n`````\n");
  });
});

describe("promotion", () => {
  const digest = (c: string) => `sha256:${c.repeat(64)}`;
  const backend = `ghcr.io/todo-gitops/todo-backend:sha-1a2b3c4@${digest("a")}`;
  const frontend = `ghcr.io/todo-gitops/todo-frontend:sha-1a2b3c4@${digest("b")}`;
  const promote = (dir: string, ...args: string[]) =>
    run([join(REPO, "scripts/promote.ts"), "--root", dir, ...args]);
  const changedFiles = (dir: string) =>
    git(dir, "status", "--porcelain", "--untracked-files=all")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(3))
      .sort();

  it("changes exactly images.json and the staging objects that run those images", async () => {
    const dir = await gitRepo();
    const result = promote(
      dir,
      "--environment",
      "staging",
      "--image",
      `backend=${backend}`,
      "--image",
      `frontend=${frontend}`,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(changedFiles(dir)).toEqual([
      // The first promotion lifts the deny window that kept unreleased staging from syncing.
      "argocd/appproject-todo.yaml",
      "environments/images.json",
      "rendered/staging/deployment-todo-backend.yaml",
      "rendered/staging/deployment-todo-frontend.yaml",
      "rendered/staging/job-todo-backend-migrate.yaml",
    ]);
    const images = JSON.parse(await readFile(join(dir, "environments/images.json"), "utf8"));
    expect(images.staging.backend).toEqual({
      repository: "ghcr.io/todo-gitops/todo-backend",
      tag: "sha-1a2b3c4",
      digest: digest("a"),
    });
    const before = JSON.parse(await readFile(join(REPO, "environments/images.json"), "utf8"));
    expect(images.minikube).toEqual(before.minikube);
    const deployment = parse(
      await readFile(join(dir, "rendered/staging/deployment-todo-frontend.yaml"), "utf8"),
    );
    expect(deployment.spec.template.spec.containers[0].image).toBe(frontend);
    // The result is itself drift-free.
    commit(dir);
    expect(run([join(REPO, "scripts/drift-gate.ts"), "--root", dir]).status).toBe(0);
  });

  it("promotes one image alone, leaving the other as it was", async () => {
    const dir = await gitRepo();
    expect(promote(dir, "--environment", "staging", "--image", `frontend=${frontend}`).status).toBe(
      0,
    );
    expect(changedFiles(dir)).toEqual([
      "environments/images.json",
      "rendered/staging/deployment-todo-frontend.yaml",
    ]);
  });

  it.each([
    ["no image", ["--environment", "staging"], "nothing to promote"],
    [
      "an unknown environment",
      ["--environment", "production", "--image", `backend=${backend}`],
      "--environment must name one of: minikube, staging",
    ],
    [
      "an unknown component",
      ["--environment", "staging", "--image", `database=${backend}`],
      "the component must be one of backend, frontend",
    ],
    [
      "a tag without a digest",
      [
        "--environment",
        "staging",
        "--image",
        "backend=ghcr.io/todo-gitops/todo-backend:sha-1a2b3c4",
      ],
      "must be registry/repository:tag@sha256:",
    ],
    [
      "a short digest",
      [
        "--environment",
        "staging",
        "--image",
        "backend=ghcr.io/todo-gitops/todo-backend:v1@sha256:abc",
      ],
      "must be registry/repository:tag@sha256:",
    ],
    [
      "latest",
      [
        "--environment",
        "staging",
        "--image",
        `backend=ghcr.io/todo-gitops/todo-backend:latest@${digest("c")}`,
      ],
      '"latest" is mutable',
    ],
    [
      "another repository",
      [
        "--environment",
        "staging",
        "--image",
        `backend=ghcr.io/mallory/todo-backend:v1@${digest("c")}`,
      ],
      "differs from the environment's ghcr.io/todo-gitops/todo-backend",
    ],
    [
      "the same component twice",
      [
        "--environment",
        "staging",
        "--image",
        `backend=${backend}`,
        "--image",
        `backend=${backend}`,
      ],
      "given twice",
    ],
  ])("refuses %s and writes nothing", async (_, args, message) => {
    const dir = await gitRepo();
    const before = await tree(dir);
    const result = promote(dir, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await tree(dir)).toEqual(before);
  });
});

describe("pull-request summary", () => {
  it("lists added, removed and changed objects per environment, each changed field with its old and new value", async () => {
    const dir = await gitRepo();
    const secretish = "postgresql://user:hunter2-not-real@db/todo";
    const staging = join(dir, "environments/staging.ts");
    await writeFile(
      staging,
      (await readFile(staging, "utf8")).replace(
        'environment: "staging"',
        'environment: "staging-2"',
      ),
    );
    const minikube = join(dir, "environments/minikube.ts");
    await writeFile(
      minikube,
      (await readFile(minikube, "utf8")).replace(
        'secrets: { provider: "bootstrap" },',
        'secrets: { provider: "bootstrap" },\n  backend: { ...defaults.backend, replicas: 3 },',
      ),
    );
    expect(run([ENTRY, "render", "--root", dir]).status).toBe(0);
    await writeFile(
      join(dir, "rendered/staging/configmap-extra.yaml"),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  DATABASE_URL: ${secretish}\n`,
    );
    await unlink(join(dir, "rendered/minikube/poddisruptionbudget-todo-frontend.yaml"));
    // A key that looks like a credential, added to a changed object: its value is masked.
    const config = join(dir, "rendered/minikube/configmap-todo-config.yaml");
    await writeFile(config, `${await readFile(config, "utf8")}  API_TOKEN: ${secretish}\n`);
    const text = markdown(summarize(await readTree(REPO), await readTree(dir)));
    expect(text.startsWith("<!-- todo-gitops:rendered-summary -->")).toBe(true);
    expect(text).toContain("#### environment `minikube`: 0 added, 1 removed, 2 changed");
    expect(text).toContain("- changed: `Deployment/todo-backend`\n  - `spec.replicas`: `2` → `3`");
    expect(text).toContain("- removed: `PodDisruptionBudget/todo-frontend`");
    expect(text).toContain("  - `data.API_TOKEN`: `(none)` → `(masked)`");
    expect(text).toContain("#### environment `staging`: 1 added, 0 removed, 1 changed");
    expect(text).toContain(
      "- changed: `ConfigMap/todo-config`\n  - `data.ENVIRONMENT`: `staging` → `staging-2`",
    );
    expect(text).toContain("- added: `ConfigMap/extra`");
    expect(text).not.toContain("hunter2");
  });

  it("names list items by their name", () => {
    const before = {
      spec: {
        containers: [
          { name: "backend", image: "a" },
          { name: "sidecar", image: "x" },
        ],
      },
    };
    const after = {
      spec: {
        containers: [
          { name: "sidecar", image: "x" },
          { name: "backend", image: "b" },
        ],
      },
    };
    expect(changedFields(before, after)).toEqual(["spec.containers[backend].image"]);
  });

  it("says so when nothing changes", async () => {
    expect(markdown(summarize(await readTree(REPO), await readTree(REPO)))).toContain(
      "No object under `rendered/` or `argocd/` changes.",
    );
  });
});

describe("pull-request summary from git objects", () => {
  const head = (dir: string) => git(dir, "rev-parse", "HEAD").trim();

  it("reads a commit's rendered/ and argocd/ exactly as a checkout of it would", async () => {
    const dir = await gitRepo();
    expect(readTreeAt(dir, head(dir))).toEqual(await readTree(dir));
    expect(readTreeAt(dir, head(dir)).size).toBeGreaterThan(20);
  });

  it("reads regular files only: a symlink to a file outside is never followed", async () => {
    const dir = await gitRepo();
    const outside = join(dir, "..", `outside-${process.pid}.yaml`);
    await writeFile(outside, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\n");
    try {
      await symlink(outside, join(dir, "rendered/staging/link.yaml"));
      await mkdir(join(dir, "argocd/notes"), { recursive: true });
      await writeFile(join(dir, "argocd/notes/readme.txt"), "not yaml\n");
      commit(dir);
      const objects = readTreeAt(dir, head(dir));
      expect([...objects.keys()].filter((p) => p.includes("link") || p.includes("notes"))).toEqual(
        [],
      );
      expect(JSON.stringify([...objects.values()])).not.toContain("leaked");
      expect([...(await readTree(dir)).keys()]).not.toContain("rendered/staging/link.yaml");
    } finally {
      await rm(outside, { force: true });
    }
  });

  it("takes only full commit SHAs, so nothing from outside can become a git option", async () => {
    const dir = await gitRepo();
    for (const rev of ["HEAD", "--output=/tmp/x", head(dir).slice(0, 12), ""]) {
      expect(() => readTreeAt(dir, rev)).toThrow("not a full commit SHA");
    }
  });

  it("compares two commits from the command line without checking either out", async () => {
    const dir = await gitRepo();
    const base = head(dir);
    await unlink(join(dir, "rendered/minikube/poddisruptionbudget-todo-frontend.yaml"));
    commit(dir);
    const change = head(dir);
    git(dir, "checkout", "-q", base);
    const before = await tree(dir);
    const result = run([
      join(REPO, "scripts/rendered-summary.ts"),
      "--git",
      dir,
      "--base",
      base,
      "--head",
      change,
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.startsWith(MARKER)).toBe(true);
    expect(result.stdout).toContain(
      `of \`${change.slice(0, 12)}\` against the base \`${base.slice(0, 12)}\``,
    );
    expect(result.stdout).toContain("- removed: `PodDisruptionBudget/todo-frontend`");
    expect(head(dir)).toBe(base);
    expect(await tree(dir)).toEqual(before);
  });

  it("shows names from the files only as inline code: no Markdown, HTML, link or mention", () => {
    const hostile =
      "x` [click](https://evil.example) @everyone <img src=x>\n# heading \u202egnp.exe";
    expect(code(hostile)).toBe(
      "`x? [click](https://evil.example) @everyone <img src=x>?# heading ?gnp.exe`",
    );
    const text = markdown(
      summarize(
        new Map(),
        new Map([["rendered/st`aging/x.yaml", { kind: "ConfigMap", metadata: { name: hostile } }]]),
      ),
    );
    for (const line of text.split("\n").filter((l) => l.includes("evil"))) {
      // Every backtick pairs up: the hostile text stays inside one code span.
      expect(line.split("`").length % 2, line).toBe(1);
      expect(line).toMatch(/^(- added: `[^`]*`|#### environment `[^`]*`: .*)$/);
    }
    expect(text).toContain("#### environment `st?aging`");
    expect(code("k".repeat(500))).toBe(`\`${"k".repeat(120)}…\``);
  });

  it("stays within GitHub's comment size, saying where it cut", () => {
    const many = new Map(
      Array.from({ length: 5000 }, (_, i) => [
        `rendered/staging/configmap-${i}.yaml`,
        { kind: "ConfigMap", metadata: { name: `config-${i}-${"n".repeat(40)}` } },
      ]),
    );
    const text = markdown(summarize(new Map(), many));
    expect(text.length).toBeLessThanOrEqual(MAX_CHARS);
    expect(text).toMatch(/… cut here: \d+ more line\(s\).*The job summary .* has the full text\./);
    expect(text.trimEnd().endsWith("are masked.")).toBe(true);
    // The job summary's copy is whole.
    const full = markdown(summarize(new Map(), many), undefined, [], 1_000_000);
    expect(full).not.toContain("cut here");
    expect(full).toContain("configmap-4999".replace("configmap-", "ConfigMap/config-"));
  });
});

describe("finding the pull request of a workflow run", () => {
  const sha = (c: string) => c.repeat(40);
  const pr = (number: number, headSha: string, repo: string | null) => ({
    number,
    head: { sha: headSha, repo: repo === null ? null : { full_name: repo } },
    base: { sha: sha("0") },
    title: "anything",
  });

  it("matches the head commit and the head repository, as GitHub recorded them", () => {
    const pulls = [
      pr(1, sha("a"), "owner/repo"),
      pr(2, sha("b"), "mallory/fork"),
      // The same commit pushed to another fork is another pull request.
      pr(3, sha("b"), "alice/fork"),
    ];
    expect(pullRequestFor(pulls, { headSha: sha("b"), headRepository: "Mallory/Fork" })).toEqual({
      number: 2,
      baseSha: sha("0"),
    });
    // Pages from `gh api --paginate --slurp` are lists of lists.
    expect(
      pullRequestFor([[pulls[0]], [pulls[1], pulls[2]]], {
        headSha: sha("a"),
        headRepository: "owner/repo",
      }),
    ).toEqual({ number: 1, baseSha: sha("0") });
  });

  it("skips, saying why, when no open pull request or more than one has that head", () => {
    const none = pullRequestFor([pr(1, sha("a"), "owner/repo"), pr(2, sha("c"), null)], {
      headSha: sha("c"),
      headRepository: "deleted/fork",
    });
    expect(none).toEqual({ skip: expect.stringContaining("no open pull request has head") });
    const two = pullRequestFor([pr(1, sha("a"), "owner/repo"), pr(4, sha("a"), "owner/repo")], {
      headSha: sha("a"),
      headRepository: "owner/repo",
    });
    expect(two).toEqual({ skip: expect.stringContaining("#1, #4") });
  });

  it("refuses a head that is not a commit SHA and a list that is not pull requests", () => {
    expect(() => pullRequestFor([], { headSha: "main", headRepository: "o/r" })).toThrow(
      "not a full commit SHA",
    );
    expect(() =>
      pullRequestFor([{ number: "7" }], { headSha: sha("a"), headRepository: "o/r" }),
    ).toThrow();
  });

  it("writes the number and base for the next steps, or a notice and nothing", async () => {
    const dir = await scratchRepo();
    dirs.push(dir);
    const pulls = join(dir, "pulls.json");
    const output = join(dir, "github-output");
    await writeFile(pulls, JSON.stringify([[pr(12, sha("d"), "o/r")]]));
    await writeFile(output, "");
    const resolve = (headSha: string) =>
      run([
        join(REPO, "scripts/rendered-summary.ts"),
        "pull-request",
        "--pulls",
        pulls,
        "--head-sha",
        headSha,
        "--head-repository",
        "o/r",
        "--github-output",
        output,
      ]);
    expect(resolve(sha("d")).status).toBe(0);
    expect(await readFile(output, "utf8")).toBe(`number=12\nbase-sha=${sha("0")}\n`);
    await writeFile(output, "");
    const skipped = resolve(sha("e"));
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toMatch(/^::notice title=No rendered summary::no open pull request/);
    expect(await readFile(output, "utf8")).toBe("");
  });
});
