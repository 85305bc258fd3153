/**
 * Environments cannot collide: two that own the same namespace of one cluster, or serve one host,
 * fail to load, naming both files. An environment that does not collide gets its own destination
 * in AppProject `todo` (the README's recipe for a new environment).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadEnvironments } from "../generate/shell/load.ts";
import { renderAll } from "../generate/pipeline/render.ts";
import { REPO } from "./helpers.ts";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A scratch environments/ folder with staging copied to dev2, edited by `edit`. */
async function withDev2(edit: (source: string) => string): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "collide-"));
  const envs = join(dir, "environments");
  await cp(join(REPO, "environments"), envs, { recursive: true });
  const staging = await readFile(join(envs, "staging.ts"), "utf8");
  await writeFile(join(envs, "dev2.ts"), edit(staging.replace('name: "staging"', 'name: "dev2"')));
  const images = JSON.parse(await readFile(join(envs, "images.json"), "utf8"));
  images.dev2 = images.staging;
  await writeFile(join(envs, "images.json"), JSON.stringify(images));
  return envs;
}

describe("environments that collide", () => {
  it("a copy of staging fails, naming both files, the namespace and the host", async () => {
    const envs = await withDev2((s) => s);
    const error = await loadEnvironments(envs).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      /environments\/dev2\.ts and environments\/staging\.ts both deploy to namespace "todo" of cluster https:\/\/staging\.k8s\.example\.com/,
    );
    expect(error?.message).toMatch(
      /environments\/dev2\.ts and environments\/staging\.ts both serve host todo\.staging\.example\.com/,
    );
  });

  it("a copy with its own namespace and host loads, and the AppProject gains its destination", async () => {
    const envs = await withDev2((s) =>
      s
        .replace('name: "dev2",', 'name: "dev2",\n  namespace: "todo-dev2",')
        .replace('host: "todo.staging.example.com"', 'host: "todo.dev2.example.com"'),
    );
    const environments = await loadEnvironments(envs);
    const files = renderAll(environments);
    const project = files.get("argocd/appproject-todo.yaml") ?? "";
    expect(project).toContain("namespace: todo-dev2");
    expect(files.has("rendered/dev2/namespace-todo-dev2.yaml")).toBe(true);
  });
});
