/**
 * The folders of generate/ are the pipeline's stages, and each imports only from the stages
 * before it (docs/architecture.md): the environment schema and input rules; the object builders;
 * the output rules; the pipeline (render, serialize); the shell (CLI, loading, the one writer).
 * The bottom (types.ts, project.ts, quantity.ts) imports nothing of the generator. Nothing in
 * generate/ imports a script or a test, and scripts/ imports nothing from test/.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers.ts";

/** Every code file under `folder`, relative to the repository. */
function codeFiles(folder: string): string[] {
  return readdirSync(join(REPO, folder), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts|mjs)$/.test(e.name))
    .map((e) => relative(REPO, join(e.parentPath, e.name)));
}

/** The repository files a file imports (relative specifiers only; packages are not layers). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(REPO, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)];
  return specifiers.map(([, spec]) => relative(REPO, join(dirname(join(REPO, file)), spec!)));
}

/** What the files under each folder must not import. */
const FORBIDDEN: [string, string[]][] = [
  ["generate/", ["scripts/", "test/", "images/"]],
  ["generate/types.ts", ["generate/"]],
  ["generate/project.ts", ["generate/"]],
  ["generate/quantity.ts", ["generate/"]],
  [
    "generate/environment/",
    ["generate/objects/", "generate/rules/", "generate/pipeline/", "generate/shell/"],
  ],
  ["generate/objects/", ["generate/rules/", "generate/pipeline/", "generate/shell/"]],
  [
    "generate/rules/",
    ["generate/environment/", "generate/objects/", "generate/pipeline/", "generate/shell/"],
  ],
  ["generate/pipeline/", ["generate/shell/"]],
  ["scripts/", ["test/"]],
];

describe("the layout", () => {
  const files = [...codeFiles("generate"), ...codeFiles("scripts")];

  it("reads the imports it checks", () => {
    // The pipeline imports the builders and the rules: a parser that found nothing would pass all.
    expect(importsOf("generate/pipeline/render.ts")).toContain("generate/objects/argocd.ts");
  });

  it.each(FORBIDDEN)("%s imports nothing from %j", (folder, forbidden) => {
    const offending = files
      .filter((f) => f === folder || (folder.endsWith("/") && f.startsWith(folder)))
      .flatMap((f) =>
        importsOf(f)
          .filter((target) => target !== f && forbidden.some((no) => target.startsWith(no)))
          .map((target) => `${f} -> ${target}`),
      );
    expect(offending).toEqual([]);
  });

  it("has every file of generate/ in one of its stages or at the bottom", () => {
    const places = ["environment/", "objects/", "rules/", "pipeline/", "shell/"];
    const bottom = ["types.ts", "project.ts", "quantity.ts"];
    const loose = codeFiles("generate")
      .map((f) => f.slice("generate/".length))
      .filter((f) => !bottom.includes(f) && !places.some((p) => f.startsWith(p)));
    expect(loose).toEqual([]);
  });
});
