/** Shared test fixtures: the real environments, their objects, and a scratch copy of the repo. */
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import minikube from "../environments/minikube.ts";
import staging from "../environments/staging.ts";
import images from "../environments/images.json" with { type: "json" };
import type { Environment, EnvironmentData } from "../generate/environment/schema.ts";
import { resolveEnvironment } from "../generate/environment/resolve.ts";
import { buildObjects } from "../generate/pipeline/render.ts";
import type { KubeObject } from "../generate/types.ts";

export const REPO = resolve(import.meta.dirname, "..");
export const DATA: Record<string, EnvironmentData> = { minikube, staging };
export const IMAGES = images;

/** A deep copy, so a test can break it without touching the others. */
export const clone = <T>(value: T): T => structuredClone(value);

export function environment(name: string): Environment {
  return resolveEnvironment(name, clone(DATA[name]), clone(IMAGES));
}

export const ENVIRONMENTS = Object.keys(DATA).map(environment);

/**
 * Staging with the data model's Ingress instead of a Gateway (`routing.kind: ingress`), for the
 * tests that must hold for either kind of routing. Not an environment of the repository.
 */
export function ingressVariant(): Environment {
  const data = clone(DATA.staging!) as EnvironmentData & { routing: { kind: string } };
  data.routing = {
    ...data.routing,
    kind: "ingress",
    className: "nginx-maintained",
    proxies: { namespace: "ingress-system", podLabels: { app: "ingress-controller" } },
  };
  return resolveEnvironment("staging", data, clone(IMAGES));
}

/** The plain objects an environment renders. */
export function objectsOf(env: Environment): KubeObject[] {
  return buildObjects(env).map((m) => JSON.parse(JSON.stringify(m.toJSON())) as KubeObject);
}

/** One object by kind and name, typed as its kubernetes-models interface. */
export function find<T>(objects: KubeObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (found === undefined) throw new Error(`${kind}/${name} is not rendered`);
  return found as unknown as T;
}

/** Runs a repository script with the project's Node, as npm would; never throws. */
/** What `npm run render` and `npm run check` run (package.json). */
export const ENTRY = join(REPO, "generate/shell/main.mjs");

export function run(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
) {
  const result = spawnSync(process.execPath, args, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? process.env,
    input: options.input ?? "",
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under `dir` with its bytes, for before/after comparisons. */
export async function tree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = join(entry.parentPath, entry.name);
      files.set(full.slice(dir.length + 1), await readFile(full, "utf8"));
    }
  }
  return files;
}

/** A scratch repository root with the environments and the committed output, for CLI tests. */
export async function scratchRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "todo-gitops-test-"));
  for (const part of ["environments", "rendered", "argocd"]) {
    await cp(join(REPO, part), join(dir, part), { recursive: true });
  }
  return dir;
}

/** git in `dir` as a fixed author; its output, trimmed, or an error with git's. */
export function git(dir: string, ...args: string[]): string {
  const identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"];
  const result = spawnSync("git", [...identity, ...args], { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
}
