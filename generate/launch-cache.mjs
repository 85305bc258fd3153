// What the launcher (launch.mjs) and the startup snapshot (snapshot.mjs) share: the key of the
// generator's sources, and Node's type stripping of environment files, cached.
//
// Plain JavaScript, like launch.mjs: it runs before any TypeScript can.
import { createHash } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import module from "node:module";
import { dirname, join, relative } from "node:path";

/**
 * The files a build of the generator is made from, relative to the repository: the lockfile,
 * every file under generate/, and every code file under environments/ (the snapshot is warmed up
 * with them; images.json is data, read at every run).
 */
export function sourceFiles(repo) {
  const files = ["package-lock.json"];
  for (const top of ["generate", "environments"]) {
    for (const entry of readdirSync(join(repo, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      if (top === "environments" && !/\.[cm]?[jt]s$/.test(entry.name)) continue;
      files.push(relative(repo, join(entry.parentPath, entry.name)).split("\\").join("/"));
    }
  }
  return files.sort();
}

/** The key of a build: the sources' content, and the Node that runs it. */
export function sourceKey(repo) {
  const hash = createHash("sha256").update(
    `${process.version} ${process.platform} ${process.arch}`,
  );
  for (const file of sourceFiles(repo)) {
    hash
      .update("\0")
      .update(file)
      .update("\0")
      .update(readFileSync(join(repo, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Size and modification time of each of `files` and of the folders holding them (a folder's
 * changes when a file is added or removed): equal stamps mean the same sources without reading
 * them (~1 ms instead of ~10); a different stamp sends the caller to `sourceKey`, which decides.
 */
export function sourceStamp(repo, files) {
  const folders = new Set(["generate", "environments"]);
  for (const file of files) {
    for (let dir = dirname(file); dir !== "."; dir = dirname(dir)) folders.add(dir);
  }
  return [...files, ...[...folders].sort()]
    .map((path) => {
      const stat = statSync(join(repo, path));
      return `${path} ${stat.size} ${stat.mtimeMs}`;
    })
    .join("\n");
}

/** Stripped sources kept at most: a cache of generated environments must not grow forever. */
const MAX_STRIPPED = 5000;

/**
 * Serves TypeScript modules (the environment files) from a cache of their type-stripped text,
 * keyed by their content and Node's version, so that a run whose environments did not change
 * never loads Node's type stripper (~30-50 ms: a WebAssembly compiler). Stripping only replaces
 * types with spaces, so positions in errors are the same; a file the stripper rejects is left to
 * Node, which reports it as it always does.
 */
export function cacheStrippedTypes(cacheDir) {
  const dir = join(cacheDir, "stripped");
  let pruned = false;
  module.registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      if (result.format !== "module-typescript" || result.source == null) return result;
      const source =
        typeof result.source === "string"
          ? result.source
          : Buffer.from(result.source).toString("utf8");
      const file = join(
        dir,
        `${createHash("sha256").update(process.version).update("\0").update(source).digest("hex").slice(0, 32)}.js`,
      );
      let stripped;
      try {
        stripped = readFileSync(file, "utf8");
      } catch {
        try {
          stripped = quietly(() => module.stripTypeScriptTypes(source, { mode: "strip" }));
        } catch {
          return result;
        }
        if (!pruned) {
          pruned = true;
          try {
            if (readdirSync(dir).length >= MAX_STRIPPED)
              rmSync(dir, { recursive: true, force: true });
          } catch {
            // No cache yet.
          }
        }
        mkdirSync(dir, { recursive: true });
        // Whole or not at all, with other processes reading: a rename.
        writeFileSync(`${file}.${process.pid}`, stripped);
        renameSync(`${file}.${process.pid}`, file);
      }
      return { ...result, format: "module", source: stripped };
    },
  });
}

/** Runs `fn` without the "experimental feature" warning it is known to print. */
function quietly(fn) {
  const emit = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    if (String(warning).includes("stripTypeScriptTypes")) return;
    emit.call(process, warning, ...rest);
  };
  try {
    return fn();
  } finally {
    process.emitWarning = emit;
  }
}
