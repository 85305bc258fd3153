// What the launcher (launch.mjs) and the startup snapshot (snapshot.mjs) share: the key of the
// generator's sources, Node's type stripping of environment files, cached, and for many
// environments one bundle of them, cached.
//
// Plain JavaScript, like launch.mjs: it runs before any TypeScript can.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import module, { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLE_ENVIRONMENTS_FROM } from "./command.mjs";

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

/** Bundles of environment folders kept at most (scratch folders come and go). */
const MAX_ENVIRONMENT_BUNDLES = 20;

/**
 * Imports many environment files as one esbuild bundle of them, cached by the content of every
 * file the bundle was made from: Node's loader costs ~0.3 ms per module once the types are
 * stripped and ~1 ms before, a bundle of 1,000 environments ~0.25 s to build and ~0.05 s to
 * import. `load(dir, names)` gives each name's module, or undefined (fewer files than
 * `BUNDLE_ENVIRONMENTS_FROM`, or anything failed: a syntax error, a throwing file), and the
 * caller then imports the files one by one, which names what is wrong exactly as always.
 * `repo`: where esbuild is installed (the generator's own repository).
 */
export function environmentBundler(cacheDir, repo) {
  const dir = join(cacheDir, "environments");
  return {
    async load(environments, names) {
      if (names.length < BUNDLE_ENVIRONMENTS_FROM) return undefined;
      try {
        const folder = createHash("sha256").update(environments).digest("hex").slice(0, 16);
        const manifestPath = join(dir, `${folder}.json`);
        let manifest = readManifest(manifestPath, names);
        if (manifest === undefined) {
          manifest = await buildEnvironments(repo, dir, folder, environments, names);
          writeFileSync(`${manifestPath}.${process.pid}`, JSON.stringify(manifest));
          renameSync(`${manifestPath}.${process.pid}`, manifestPath);
        }
        const bundle = await import(pathToFileURL(join(dir, manifest.bundle)).href);
        return new Map(names.map((name, i) => [name, bundle.default[i]]));
      } catch {
        return undefined;
      }
    },
  };
}

/** The manifest, if its bundle holds `names` and every file it was made from is unchanged. */
function readManifest(path, names) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
  if (JSON.stringify(manifest.names) !== JSON.stringify(names)) return undefined;
  if (!existsSync(join(dirname(path), manifest.bundle))) return undefined;
  for (const [file, digest] of manifest.inputs) {
    try {
      if (contentDigest(file) !== digest) return undefined;
    } catch {
      return undefined;
    }
  }
  return manifest;
}

async function buildEnvironments(repo, dir, folder, environments, names) {
  const esbuild = await import(
    pathToFileURL(createRequire(join(repo, "package.json")).resolve("esbuild")).href
  );
  const imports = names.map(
    (name, i) => `import * as m${i} from ${JSON.stringify(`./${name}.ts`)};`,
  );
  const result = await esbuild.build({
    stdin: {
      contents: `${imports.join("\n")}\nexport default [${names.map((_, i) => `m${i}`).join(", ")}];\n`,
      resolveDir: environments,
      sourcefile: "environments-bundle.ts",
      loader: "ts",
    },
    absWorkingDir: environments,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    packages: "external",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => input !== "environments-bundle.ts")
    .map((input) => {
      const file = join(environments, input);
      return [file, contentDigest(file)];
    });
  const text = result.outputFiles[0].text;
  const bundle = `${folder}-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.mjs`;
  mkdirSync(dir, { recursive: true });
  for (const old of readdirSync(dir)) {
    if (old.startsWith(`${folder}-`) && old !== bundle) rmSync(join(dir, old), { force: true });
  }
  pruneBundles(dir);
  writeFileSync(join(dir, `${bundle}.${process.pid}`), text);
  renameSync(join(dir, `${bundle}.${process.pid}`), join(dir, bundle));
  return { names, inputs, bundle };
}

const contentDigest = (file) =>
  createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 32);

/** Keeps the newest bundles of environment folders, by their manifests' age. */
function pruneBundles(dir) {
  const manifests = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of manifests.slice(MAX_ENVIRONMENT_BUNDLES - 1)) {
    const folder = f.slice(0, -".json".length);
    for (const file of readdirSync(dir)) {
      if (file.startsWith(folder)) rmSync(join(dir, file), { force: true });
    }
  }
}
