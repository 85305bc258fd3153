/**
 * An environment file that does not parse: render names the file, line and column (Node's own
 * message has none of them), exits 2 and writes nothing.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ENTRY, run, scratchRepo, tree } from "./helpers.ts";

const scratch: string[] = [];
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Replaces `anchor` (once) in `file` and returns where `culprit` now is, 1-based. */
async function breakFile(file: string, anchor: string, replacement: string, culprit: string) {
  const source = await readFile(file, "utf8");
  expect(source.split(anchor), `${anchor} occurs once in ${file}`).toHaveLength(2);
  const broken = source.replace(anchor, replacement);
  await writeFile(file, broken);
  const before = broken.slice(0, broken.indexOf(culprit)).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** A scratch repository whose output folders record any write: argocd/ absent, a stale file. */
async function repo(): Promise<string> {
  const dir = await scratchRepo();
  scratch.push(dir);
  await rm(join(dir, "argocd"), { recursive: true });
  await mkdir(join(dir, "rendered/gone"));
  await writeFile(join(dir, "rendered/gone/stale.yaml"), "stale\n");
  return dir;
}

describe("a syntax error in an environment file", () => {
  const render = (dir: string) => run([ENTRY, "render", "--root", dir], { cwd: dir });

  it("names file:line:column and the parser's message, and writes nothing", async () => {
    const dir = await repo();
    const rendered = await tree(join(dir, "rendered"));
    // A missing comma, as a hurried edit leaves it.
    const at = await breakFile(
      join(dir, "environments/staging.ts"),
      `  name: "staging",\n`,
      `  name: "staging"\n  allowMutableImageTags: false,\n`,
      "allowMutableImageTags: false",
    );
    const result = render(dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `environments/staging.ts:${at.line}:${at.column}: syntax error: Expected ',', got 'ident'`,
    );
    expect(result.stderr).toContain("nothing was written.");
    expect(await tree(join(dir, "rendered"))).toEqual(rendered);
    await expect(readFile(join(dir, "argocd/appproject-todo.yaml"))).rejects.toThrow(/ENOENT/);
  });

  it("counts a tab as one column", async () => {
    const dir = await repo();
    const at = await breakFile(
      join(dir, "environments/minikube.ts"),
      `  name: "minikube",\n`,
      `\tname: "minikube",\tallowMutableImageTags: true true,\n`,
      "true,",
    );
    const result = render(dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`environments/minikube.ts:${at.line}:${at.column}: `);
  });

  it("names the file of an error that V8 finds after the types are stripped", async () => {
    // Node gives such an error (here a name declared twice) no location in an ES module.
    const dir = await repo();
    await breakFile(
      join(dir, "environments/minikube.ts"),
      "export default {",
      "const defaults = {};\nexport default {",
      "defaults = {}",
    );
    const result = render(dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^environments\/minikube\.ts(:\d+:\d+)?: .*Identifier 'defaults' has already been declared$/m,
    );
    expect(result.stderr).toContain("nothing was written.");
  });

  it("names the imported file that is broken, and the environment that imports it", async () => {
    const dir = await repo();
    const at = await breakFile(
      join(dir, "environments/defaults.ts"),
      `  namespace: "todo",\n`,
      `  namespace: "todo"\n  allowMutableImageTags: false,\n`,
      "allowMutableImageTags: false",
    );
    const result = render(dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^environments/defaults\\.ts:${at.line}:${at.column}: syntax error: .*\\(imported by environments/(minikube|staging)\\.ts\\)$`,
        "m",
      ),
    );
  });
});
