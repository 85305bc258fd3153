// The generator as one file: a run loads one module instead of ~700 (docs/performance.md).
// rolldown bundles generate/shell/cli.ts in this process, once per change of the generator's
// sources, the lockfile or Node, whose content keys the file; it is written under a temporary
// name and renamed, in the user cache (npm ci removes node_modules, never this). Nothing runs in
// the background. On any failure, or with TODO_GITOPS_BUNDLE=off, the sources run: the same code.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const entry = join(repo, "generate", "shell", "cli.ts");
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "todo-gitops");
/** This clone's bundles are `<clone>-<hash of what the bundle is made from>.mjs`. */
const clone = `generator-${createHash("sha256").update(repo).digest("hex").slice(0, 12)}-`;

function bundlePath() {
  const hash = createHash("sha256").update(`${process.version} ${process.arch}\0`);
  const files = readdirSync(join(repo, "generate"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of [join(repo, "package-lock.json"), ...files]) {
    hash.update(file).update("\0").update(readFileSync(file));
  }
  return join(cache, `${clone}${hash.digest("hex").slice(0, 32)}.mjs`);
}

/** Writes the bundle, then removes this clone's older ones. */
async function buildBundle(file) {
  const { build } = await import("rolldown");
  const tmp = `${file}.${process.pid}.tmp`;
  mkdirSync(cache, { recursive: true });
  // punycode: uri-js's userland package, not Node's deprecated built-in of that name.
  const alias = { punycode: join(repo, "node_modules", "punycode", "punycode.js") };
  try {
    const options = { input: entry, platform: "node", logLevel: "silent", resolve: { alias } };
    await build({ ...options, output: { file: tmp, format: "esm" } });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  for (const old of readdirSync(cache).filter((f) => f.startsWith(clone))) {
    if (join(cache, old) !== file) rmSync(join(cache, old), { force: true });
  }
}

/** The generator's cli module: from the bundle, built first if missing, or from the sources. */
export async function loadGenerator() {
  if (process.env.TODO_GITOPS_BUNDLE !== "off") {
    let file;
    try {
      file = bundlePath();
      if (!existsSync(file)) await buildBundle(file);
      return await import(pathToFileURL(file).href);
    } catch {
      if (file !== undefined) rmSync(file, { force: true }); // the next run builds it again
    }
  }
  return import(pathToFileURL(entry).href);
}
