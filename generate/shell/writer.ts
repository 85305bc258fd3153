/**
 * The only I/O of rendering. `writeOutput` makes the output folders hold exactly the rendered
 * files: it writes the files whose bytes differ, leaves the others untouched (a render that
 * changes one environment writes that environment's files, and on 1,000 environments rewriting
 * 20,000 unchanged files would cost more than rendering them), and removes the files and folders
 * of objects no longer rendered. `findDrift` compares without writing and reports changed,
 * missing and extra files.
 *
 * Synchronous on purpose: thousands of small files in a loop, with nothing else to do meanwhile.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { createTwoFilesPatch } from "diff";
import { type FileMap, OUTPUT_ROOTS } from "../pipeline/render.ts";

export interface Drift {
  path: string;
  change: "changed" | "missing" | "extra";
  /** A unified diff, committed file against generator output (for changed, missing and extra). */
  diff: string;
}

/** What is under the output roots of `root`: files and folders, as repo-relative paths with `/`. */
function existing(root: string): { files: string[]; folders: string[] } {
  const files: string[] = [];
  const folders: string[] = [];
  for (const top of OUTPUT_ROOTS) {
    let entries;
    try {
      entries = readdirSync(join(root, top), { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    for (const entry of entries) {
      const path = relative(root, join(entry.parentPath, entry.name)).split("\\").join("/");
      (entry.isDirectory() ? folders : files).push(path);
    }
  }
  return { files, folders };
}

/** Makes the output roots under `root` hold exactly `files`, writing only what differs. */
export function writeOutput(root: string, files: FileMap): void {
  const found = existing(root);
  // The folders the files need; every other folder under the output roots goes.
  const needed = new Set<string>(OUTPUT_ROOTS);
  for (const path of files.keys()) {
    for (let dir = dirname(path); dir !== "." && !needed.has(dir); dir = dirname(dir)) {
      needed.add(dir);
    }
  }
  for (const path of found.files) {
    if (!files.has(path)) rmSync(join(root, path), { force: true });
  }
  // Shallowest first: removing a folder removes what is left under it.
  for (const dir of found.folders
    .filter((d) => !needed.has(d))
    .sort((a, b) => a.length - b.length)) {
    rmSync(join(root, dir), { recursive: true, force: true });
  }
  const present = new Set(found.folders.filter((d) => needed.has(d)));
  for (const dir of [...needed].sort((a, b) => a.length - b.length)) {
    if (!present.has(dir)) mkdirSync(join(root, dir), { recursive: true });
  }
  const old = new Set(found.files);
  for (const [path, text] of files) {
    const target = join(root, path);
    if (old.has(path) && sameBytes(target, text)) continue;
    writeFileSync(target, text);
  }
}

function sameBytes(file: string, text: string): boolean {
  const bytes = readFileSync(file);
  return bytes.length === Buffer.byteLength(text) && bytes.equals(Buffer.from(text));
}

/** What differs between the files under `root` and the generator's `files`; writes nothing. */
export function findDrift(root: string, files: FileMap): Drift[] {
  const existingText = new Map<string, string>();
  for (const path of existing(root).files) {
    try {
      existingText.set(path, readFileSync(join(root, path), "utf8"));
    } catch (error) {
      // A link to a folder is no file of the output (nor was it before).
      if ((error as NodeJS.ErrnoException).code !== "EISDIR") throw error;
    }
  }
  const drift: Drift[] = [];
  const patch = (path: string, before: string, after: string) =>
    createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, "committed", "generated");
  for (const [path, text] of files) {
    const current = existingText.get(path);
    if (current === undefined) drift.push({ path, change: "missing", diff: patch(path, "", text) });
    else if (current !== text)
      drift.push({ path, change: "changed", diff: patch(path, current, text) });
  }
  for (const [path, text] of existingText) {
    if (!files.has(path)) drift.push({ path, change: "extra", diff: patch(path, text, "") });
  }
  return drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
