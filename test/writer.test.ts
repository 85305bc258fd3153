/**
 * `writeOutput` makes the output folders hold exactly the rendered files, writing only the files
 * whose bytes differ (on 1,000 environments, rewriting 20,000 unchanged files costs more than
 * rendering them), and removing whatever is no longer rendered.
 */
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeOutput } from "../generate/shell/writer.ts";
import { tree } from "./helpers.ts";

const scratch: string[] = [];
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function root(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "todo-writer-"));
  scratch.push(dir);
  return dir;
}

const OLD = new Date("2001-01-01T00:00:00Z");
const files = new Map([
  ["rendered/a/one.yaml", "one: 1\n"],
  ["rendered/a/two.yaml", "two: 2\n"],
  ["rendered/b/three.yaml", "three: 3\n"],
  ["argocd/app.yaml", "app: 1\n"],
]);
const everything = async (dir: string) => ({
  rendered: await tree(join(dir, "rendered")),
  argocd: await tree(join(dir, "argocd")),
});

describe("writeOutput", () => {
  it("writes every file into an empty root", async () => {
    const dir = await root();
    await writeOutput(dir, files);
    expect(await everything(dir)).toEqual({
      rendered: new Map([
        ["a/one.yaml", "one: 1\n"],
        ["a/two.yaml", "two: 2\n"],
        ["b/three.yaml", "three: 3\n"],
      ]),
      argocd: new Map([["app.yaml", "app: 1\n"]]),
    });
  });

  it("leaves files with the same bytes untouched and rewrites the others", async () => {
    const dir = await root();
    await writeOutput(dir, files);
    for (const path of files.keys()) await utimes(join(dir, path), OLD, OLD);
    await writeFile(join(dir, "rendered/a/two.yaml"), "two: edited\n");
    await utimes(join(dir, "rendered/a/two.yaml"), OLD, OLD);

    await writeOutput(dir, files);
    expect(await readFile(join(dir, "rendered/a/two.yaml"), "utf8")).toBe("two: 2\n");
    for (const path of files.keys()) {
      const mtime = (await stat(join(dir, path))).mtime.getTime();
      if (path === "rendered/a/two.yaml") expect(mtime).toBeGreaterThan(OLD.getTime());
      else expect(mtime, path).toBe(OLD.getTime());
    }
  });

  it("removes files and folders no longer rendered, and a folder where a file now goes", async () => {
    const dir = await root();
    await writeOutput(dir, files);
    await writeFile(join(dir, "rendered/a/old.yaml"), "old\n");
    await mkdir(join(dir, "rendered/gone/deeper"), { recursive: true });
    await writeFile(join(dir, "rendered/gone/deeper/x.yaml"), "x\n");
    await writeFile(join(dir, "argocd/notes.txt"), "notes\n");
    await rm(join(dir, "rendered/b/three.yaml"));
    await mkdir(join(dir, "rendered/b/three.yaml/inside"), { recursive: true });

    await writeOutput(dir, files);
    expect(await everything(dir)).toEqual(await everything(await written()));
  });

  it("keeps the output folders, empty, when nothing is rendered", async () => {
    const dir = await root();
    await writeOutput(dir, files);
    await writeOutput(dir, new Map());
    expect(await everything(dir)).toEqual({ rendered: new Map(), argocd: new Map() });
  });
});

/** A root that only ever had `files` written. */
async function written(): Promise<string> {
  const dir = await root();
  await writeOutput(dir, files);
  return dir;
}
