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

  it("has the data model it points to", () => {
    expect(existsSync(join(REPO, "docs/data-model.md"))).toBe(true);
  });
});
