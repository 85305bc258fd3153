// The entry point of `npm run render` and `npm run check`: runs generate/cli.ts from a startup
// snapshot, or from a bundle.
//
// Why: starting JavaScript is most of what a render of a few environments costs. Loading the
// generator as ~900 separate ES modules (kubernetes-models ships one file per type and per
// schema) costs ~0.25 s of module resolution before any work starts; one bundle with V8's compile
// cache starts in a fraction of that, but still evaluates ~2.5 MB of modules (schemas, zod, yaml)
// and runs every function cold. A V8 startup snapshot of the generator, taken after it has
// rendered and checked the repository's environments once, starts with all of that done.
//
// 1. When a snapshot exists for this Node, and the run will not start worker threads (many
//    environments: command.mjs), this process becomes `node --snapshot-blob <blob>`
//    (execve: the same process id, stdio and exit code). The snapshot first checks that it was
//    built from the sources on disk; if not, it starts this file again in a new process, which
//    runs `launch` below (TODO_GITOPS_SNAPSHOT=stale: no exec back into the snapshot).
// 2. Otherwise `launch` runs the bundle, and builds the snapshot in the background for the next
//    run (a second process, once per change of the sources; `build-snapshot` builds it now).
//
// Both are build caches, never committed: they live in node_modules/.cache, are keyed by the
// content of the generator's sources, the environment files, the lockfile and the Node version,
// and are rebuilt when any of them changes. The output is the same bytes through the snapshot,
// the bundle and the unbundled sources (test/render-paths.test.ts).
//
//   node generate/launch.mjs render|check [--root DIR] [--threads auto|N]
//   node generate/launch.mjs build-snapshot      # build the snapshot now, and say so
//   TODO_GITOPS_SNAPSHOT=off                     # neither use nor build the snapshot
//   TODO_GITOPS_TRACE=1                          # name the path taken on stderr
//
// Plain JavaScript on purpose: a .ts launcher would load Node's type stripper before anything.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import module from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { plannedThreads } from "./command.mjs";

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const cacheDir = join(repo, "node_modules", ".cache", "todo-gitops");
/** A snapshot runs only on the Node that built it: one per Node version. */
const snapshotName = `generator-${process.version}-${process.platform}-${process.arch}`;
const blob = join(cacheDir, `${snapshotName}.blob`);
// Where Node cannot replace a process (Windows: no execve), the bundle is all there is.
const snapshotOff = process.env.TODO_GITOPS_SNAPSHOT === "off" || process.execve === undefined;

/** Runs the generator's main from the bundle; starts a snapshot build when there is none. */
export async function launch(argv) {
  const { cacheStrippedTypes, environmentBundler, sourceKey } = await import("./launch-cache.mjs");
  const key = sourceKey(repo);
  mkdirSync(cacheDir, { recursive: true });
  module.enableCompileCache?.(join(cacheDir, "v8"));
  const bundle = await ensureBundle(key);
  trace(`bundle ${key}`);
  cacheStrippedTypes(cacheDir);
  const generator = await import(pathToFileURL(bundle).href);
  generator.setWorkerScript(pathToFileURL(bundle).href, join(cacheDir, "v8"));
  generator.setEnvironmentBundler(environmentBundler(cacheDir, repo));
  const code = await generator.main(argv);
  const building = existsSync(join(cacheDir, `${snapshotName}.lock`));
  if (!snapshotOff && !building && snapshotKey() !== key && failedKey() !== key) {
    const { spawn } = await import("node:child_process");
    spawn(process.execPath, [fileURLToPath(import.meta.url), "build-snapshot", "--quiet"], {
      detached: true,
      stdio: "ignore",
    }).unref();
  }
  return code;
}

/** The bundle of these sources, built by esbuild if missing. */
async function ensureBundle(key) {
  const bundle = join(cacheDir, `cli-${key}.mjs`);
  if (existsSync(bundle)) return bundle;
  const esbuild = await import("esbuild");
  const temporary = `${bundle}.${process.pid}.tmp`;
  await esbuild.build({
    ...BUILD,
    entryPoints: [join(repo, "generate", "cli.ts")],
    outfile: temporary,
    format: "esm",
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  renameSync(temporary, bundle);
  // Bundles of earlier sources are never used again.
  for (const old of readdirSync(cacheDir)) {
    if (/^cli-[0-9a-f]+\.mjs$/.test(old) && join(cacheDir, old) !== bundle) {
      rmSync(join(cacheDir, old), { force: true });
    }
  }
  return bundle;
}

/** What both builds share. */
const BUILD = {
  bundle: true,
  platform: "node",
  target: "node24",
  logLevel: "warning",
  // The alias below is resolved from the working directory: make that the repository, so a
  // first run from elsewhere (`--root`, a test's scratch folder) builds the same bundle.
  absWorkingDir: repo,
  // ajv-formats asks for `punycode`, which Node would answer with its deprecated built-in.
  alias: { punycode: "punycode/punycode.js" },
};

/**
 * Builds the startup snapshot of the current sources: the generator and snapshot.mjs bundled as
 * one classic script, warmed up with the repository's environments, then serialized by Node.
 * One build at a time (a lock file); a failed build is not retried for the same sources.
 */
async function buildSnapshot({ quiet }) {
  const { sourceFiles, sourceKey, sourceStamp } = await import("./launch-cache.mjs");
  mkdirSync(cacheDir, { recursive: true });
  const lock = join(cacheDir, `${snapshotName}.lock`);
  // In the background, a build under way is enough; asked for one, wait for it and check.
  while (!takeLock(lock)) {
    if (quiet) return 0;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // The stamp first: a source changed meanwhile then fails the stamp, and the key decides.
  const files = sourceFiles(repo);
  const stamp = sourceStamp(repo, files);
  const key = sourceKey(repo);
  const script = join(cacheDir, `snapshot-${key}.${process.pid}.js`);
  const build = join(cacheDir, `snapshot-${key}.${process.pid}.json`);
  const temporary = `${blob}.${process.pid}.tmp`;
  try {
    if (snapshotKey() === key) return 0;
    module.enableCompileCache?.(join(cacheDir, "v8"));
    const bundle = await ensureBundle(key);
    const generator = await import(pathToFileURL(bundle).href);
    const esbuild = await import("esbuild");
    await esbuild.build({
      ...BUILD,
      entryPoints: [join(repo, "generate", "snapshot.mjs")],
      outfile: script,
      format: "iife",
      minify: true,
      keepNames: true,
      // A classic script is never the main module, and has no import.meta (snapshot.mjs names
      // the worker script instead).
      define: { "import.meta.main": "false" },
      logOverride: { "empty-import-meta": "silent" },
    });
    // An environment file that does not load (being edited) leaves the snapshot less warm only.
    const warmUp = await generator
      .warmUpInput(repo)
      .catch(() => ({ environments: [], images: {} }));
    writeFileSync(build, JSON.stringify({ key, files, stamp, repo, warmUp }));
    const started = Date.now();
    const { spawnSync } = await import("node:child_process");
    const result = spawnSync(
      process.execPath,
      [
        "--snapshot-blob",
        temporary,
        "--build-snapshot",
        join(repo, "generate", "snapshot-builder.cjs"),
        script,
        build,
      ],
      { cwd: cacheDir, encoding: "utf8" },
    );
    if (result.status !== 0) {
      throw new Error(`node --build-snapshot failed (${result.status}):\n${result.stderr}`);
    }
    renameSync(temporary, blob);
    writeFileSync(join(cacheDir, `${snapshotName}.key`), key);
    if (!quiet) {
      process.stderr.write(
        `built the generator's startup snapshot ${key} in ${Date.now() - started} ms: ${blob}\n`,
      );
    }
    return 0;
  } catch (error) {
    // Not retried in the background for these sources (`build-snapshot` still tries).
    writeFileSync(join(cacheDir, `${snapshotName}.failed`), key);
    if (!quiet) process.stderr.write(`${error.stack ?? error}\n`);
    return 1;
  } finally {
    for (const file of [script, build, temporary, lock]) rmSync(file, { force: true });
  }
}

/** The key of the snapshot on disk, if any. */
function snapshotKey() {
  try {
    return existsSync(blob)
      ? readFileSync(join(cacheDir, `${snapshotName}.key`), "utf8")
      : undefined;
  } catch {
    return undefined;
  }
}

function failedKey() {
  try {
    return readFileSync(join(cacheDir, `${snapshotName}.failed`), "utf8");
  } catch {
    return undefined;
  }
}

/** An exclusive lock file; one older than 2 minutes is a crashed build's and is taken over. */
function takeLock(lock) {
  try {
    closeSync(openSync(lock, "wx"));
    return true;
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
    let age;
    try {
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      return false; // Just released: try again.
    }
    if (age < 2 * 60_000) return false;
    writeFileSync(lock, "");
    return true;
  }
}

function trace(message) {
  if (process.env.TODO_GITOPS_TRACE) process.stderr.write(`todo-gitops: ${message}\n`);
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  if (argv[0] === "build-snapshot") {
    process.exitCode = await buildSnapshot({ quiet: argv.includes("--quiet") });
  } else {
    // "stale": the snapshot found itself older than the sources and handed over to the bundle.
    // A run that starts workers goes to the bundle at once: a process started from the snapshot
    // cannot start them (snapshot.mjs would hand over too, one process later).
    if (
      !snapshotOff &&
      process.env.TODO_GITOPS_SNAPSHOT !== "stale" &&
      existsSync(blob) &&
      plannedThreads(argv) === 1
    ) {
      const node = process.execPath;
      // `--`: the arguments are the generator's, even those that look like Node's options.
      process.execve(node, [node, ...process.execArgv, "--snapshot-blob", blob, "--", ...argv]);
    }
    process.exitCode = await launch(argv);
  }
}
