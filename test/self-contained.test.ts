/**
 * The repository stands on its own: nothing cites a document that lives outside it (the design
 * notes and the specification it was built from), and every relative link in its Markdown
 * resolves to a file in it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers.ts";

/** Tracked and new (not ignored) files, as git sees them. */
function files(): string[] {
  const result = spawnSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "-z"],
    {
      cwd: REPO,
      encoding: "utf8",
    },
  );
  return result.stdout.split("\0").filter((f) => f !== "" && existsSync(join(REPO, f)));
}

function text(file: string): string | undefined {
  const content = readFileSync(join(REPO, file));
  return content.includes(0) ? undefined : content.toString("utf8");
}

/** Documents that are not in this repository, however they are cited. */
const OUTSIDE = [/\bDESIGN\.md\b/, /\bSTYLE\.md\b/, /\bspec\/data-model\.md\b/, /\.\.\/shared\b/];

/** Whether git ignores `path` under `base`: a folder the tests or installs create. */
function ignored(base: string, path: string): boolean {
  return [path, `${path}/`].some(
    (p) => spawnSync("git", ["check-ignore", "-q", "--no-index", p], { cwd: base }).status === 0,
  );
}

/** Top-level folders: a code span starting with one of them is a repository path. */
const FOLDERS = /^(\.ci|\.github|argocd|docs|environments|generate|images|rendered|scripts|test)\//;

/**
 * The repository path a Markdown code span names, if it names one: it starts with a top-level
 * folder, or it is a relative path with a file extension (`src/todo_api/config.py` in an image's
 * README). Placeholders (`<env>`), globs and command lines are not paths.
 */
function pathIn(span: string): string | undefined {
  const path = span.replace(/[:,.]$/, "").replace(/#.*$/, "");
  if (/[<>*{}$=]|^-|^https?:/.test(path)) return undefined;
  if (FOLDERS.test(path)) return path;
  if (/^[a-z0-9_.-]+(\/[A-Za-z0-9_.\[\]-]+)+\.[a-z]{1,5}$/.test(path)) return path;
  return undefined;
}

describe("the repository stands on its own", () => {
  it("cites no document from outside it", () => {
    const citations: string[] = [];
    for (const file of files()) {
      const lines = text(file)?.split("\n") ?? [];
      lines.forEach((line, i) => {
        if (OUTSIDE.some((pattern) => pattern.test(line)))
          citations.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(citations).toEqual([]);
  });

  it("resolves every relative link in its Markdown", () => {
    const broken: string[] = [];
    for (const file of files().filter((f) => f.endsWith(".md"))) {
      for (const [, target] of (text(file) ?? "").matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:|^#/i.test(target!)) continue; // a URL, or an anchor in the file
        const path = target!.split("#")[0]!;
        if (!existsSync(join(REPO, dirname(file), decodeURI(path))))
          broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("names only repository paths that exist, in every Markdown file", () => {
    const missing: string[] = [];
    for (const file of files().filter((f) => f.endsWith(".md") && !f.includes("node_modules/"))) {
      for (const [, span] of (text(file) ?? "").matchAll(/`([^`\s]+)`/g)) {
        const path = pathIn(span!);
        if (path === undefined) continue;
        // Relative to the repository, or to the Markdown file's folder (an image's README).
        const bases = [REPO, join(REPO, dirname(file))].filter((base) =>
          existsSync(join(base, path.split("/")[0]!)),
        );
        if (bases.length === 0 && !FOLDERS.test(path)) continue; // not a path of this repository
        const found = bases.some((base) => existsSync(join(base, path)) || ignored(base, path));
        if (!found) missing.push(`${file}: ${span}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("has the data model it points to", () => {
    expect(existsSync(join(REPO, "docs/data-model.md"))).toBe(true);
  });
});
