/**
 * The applicability check (scripts/apply-check.ts) against the real API server, on real commits
 * of a scratch clone: an immutable selector change is refused with the API server's own message,
 * a replica change applies, a removed ConfigMap is pruned. Prints how long the check took.
 */
import { readFile, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { applyCheck, type Outcome, report } from "../../scripts/apply-check.ts";
import { markdown, readTreeAt, refusals, summarize } from "../../scripts/rendered-summary.ts";
import { risks } from "../../scripts/review.ts";
import { git as gitIn, scratchRepo } from "../helpers.ts";
import { build } from "./build.ts";

let dir: string;
let outcomes: Outcome[];
let commits: { base: string; head: string };
const git = (...args: string[]) => gitIn(dir, ...args);

async function editYaml(file: string, change: (o: Record<string, any>) => void): Promise<void> {
  const path = join(dir, file);
  const object = parse(await readFile(path, "utf8"));
  change(object);
  await writeFile(path, stringify(object));
}

beforeAll(async () => {
  build(); // the binaries the cluster suite uses; a no-op when they are cached
  dir = await scratchRepo();
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-qm", "base");
  const base = git("rev-parse", "HEAD");
  await editYaml("rendered/staging/deployment-todo-backend.yaml", (o) => {
    o.spec.selector.matchLabels.tier = "api";
    o.spec.template.metadata.labels.tier = "api";
  });
  await editYaml("rendered/minikube/deployment-todo-backend.yaml", (o) => (o.spec.replicas = 3));
  await unlink(join(dir, "rendered/minikube/configmap-todo-config.yaml"));
  git("add", "-A");
  git("commit", "-qm", "change");
  commits = { base, head: git("rev-parse", "HEAD") };
  const started = performance.now();
  outcomes = await applyCheck(dir, commits.base, commits.head);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`[apply-check] ${report(outcomes, seconds)}`);
}, 30 * 60_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const outcome = (environment: string, object: string) =>
  outcomes.find((o) => o.environment === environment && o.object === object);

describe("the applicability check, on the real API server", () => {
  it("refuses an immutable selector change with the API server's own message", () => {
    const refused = outcome("staging", "Deployment/todo-backend");
    expect(refused?.result).toBe("refused");
    expect(refused?.message).toMatch(/spec\.selector.*field is immutable/);
  });

  it("applies a replica change", () => {
    expect(outcome("minikube", "Deployment/todo-backend")?.result).toBe("applied");
  });

  it("prunes a removed ConfigMap", () => {
    expect(outcome("minikube", "ConfigMap/todo-config")?.result).toBe("pruned");
  });

  it("applies every other object, and replaces the hook Job as Argo CD does", () => {
    const others = outcomes.filter(
      (o) =>
        !(o.environment === "staging" && o.object === "Deployment/todo-backend") &&
        !(o.environment === "minikube" && o.object === "ConfigMap/todo-config"),
    );
    expect(others.filter((o) => o.result === "refused")).toEqual([]);
    expect(outcome("minikube", "Job/todo-backend-migrate")?.result).toBe("replaced");
  });
});

describe("the pull-request comment", () => {
  it("carries the API server's refusal in its risks section", () => {
    const [before, after] = [readTreeAt(dir, commits.base), readTreeAt(dir, commits.head)];
    const text = markdown(summarize(before, after), commits, [
      ...refusals(outcomes),
      ...risks(before, after),
    ]);
    const risksSection = text.slice(text.indexOf("#### Risks"), text.indexOf("#### environment"));
    expect(risksSection).toMatch(
      /\*\*refused by the API server\*\*: `staging` `Deployment\/todo-backend`: `applied over the base on a real API server, it was refused: .*field is immutable`/,
    );
  });
});
