/**
 * The only I/O of rendering. `writeOutput` replaces each output folder as a whole (so files of a
 * removed object vanish); `findDrift` compares without writing and reports changed, missing and
 * extra files.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { createTwoFilesPatch } from "diff";
import { type FileMap, OUTPUT_ROOTS } from "./render.ts";

export interface Drift {
  path: string;
  change: "changed" | "missing" | "extra";
  /** A unified diff, committed file against generator output (for changed, missing and extra). */
  diff: string;
}

/** Every file under the output roots of `root`, as repo-relative paths with `/`. */
async function existingFiles(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const top of OUTPUT_ROOTS) {
    let entries: string[];
    try {
      entries = await readdir(join(root, top), { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    for (const entry of entries) {
      const full = join(root, top, entry);
      try {
        found.set(relative(root, full).split("\\").join("/"), await readFile(full, "utf8"));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EISDIR") throw error;
      }
    }
  }
  return found;
}

/** Replaces every output root under `root` with exactly `files`. */
export async function writeOutput(root: string, files: FileMap): Promise<void> {
  const staging = join(root, `.render-tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    for (const [path, text] of files) {
      const target = join(staging, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    for (const top of OUTPUT_ROOTS) {
      await rm(join(root, top), { recursive: true, force: true });
      await mkdir(join(staging, top), { recursive: true });
      await rename(join(staging, top), join(root, top));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** What differs between the files under `root` and the generator's `files`; writes nothing. */
export async function findDrift(root: string, files: FileMap): Promise<Drift[]> {
  const existing = await existingFiles(root);
  const drift: Drift[] = [];
  const patch = (path: string, before: string, after: string) =>
    createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, "committed", "generated");
  for (const [path, text] of files) {
    const current = existing.get(path);
    if (current === undefined) drift.push({ path, change: "missing", diff: patch(path, "", text) });
    else if (current !== text)
      drift.push({ path, change: "changed", diff: patch(path, current, text) });
  }
  for (const [path, text] of existing) {
    if (!files.has(path)) drift.push({ path, change: "extra", diff: patch(path, text, "") });
  }
  return drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
