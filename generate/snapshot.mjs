// The generator as a V8 startup snapshot. launch.mjs bundles this module with the generator into
// one classic script and runs it under `node --build-snapshot` (snapshot-builder.cjs). Here it
// warms the generator up (renders and checks the repository's environments, writing nothing, so
// that the snapshot holds that code compiled) and names what runs when Node starts from the
// snapshot: a check that the snapshot was built from the sources on disk, then the generator's
// main; if the sources changed, launch.mjs instead, which runs the bundle and rebuilds.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { startupSnapshot } from "node:v8";
import { main, plannedThreads, setEnvironmentBundler, warmUp } from "./cli.ts";
import { cacheStrippedTypes, environmentBundler, sourceKey, sourceStamp } from "./launch-cache.mjs";

/** From launch.mjs, through snapshot-builder.cjs: what this snapshot is built from. */
const build = globalThis.__todoGitopsSnapshot;
delete globalThis.__todoGitopsSnapshot;

startupSnapshot.setDeserializeMainFunction(async () => {
  ignoreLoaderWarning();
  // `node --snapshot-blob <blob> render ...`: no script, so the arguments start at argv[1].
  const argv = process.argv.slice(1);
  const repo = repository();
  const cacheDir = join(repo, "node_modules", ".cache", "todo-gitops");
  const bundle = join(cacheDir, `cli-${build.key}.mjs`);
  let current = false;
  try {
    current =
      (sourceStamp(repo, build.files) === build.stamp || sourceKey(repo) === build.key) &&
      existsSync(bundle);
  } catch {
    // A source that cannot be read: launch.mjs says what.
  }
  if (!current) {
    // A new process, not launch.mjs imported here: a run with workers would abort this one (see
    // below). "stale": run the bundle and rebuild the snapshot, without coming back to this one;
    // "off" (asked for by the caller) stays off: no rebuild either.
    trace(`snapshot ${build.key} is stale: launch.mjs`);
    const node = process.execPath;
    const off = process.env.TODO_GITOPS_SNAPSHOT === "off";
    process.execve(node, [node, join(repo, "generate", "launch.mjs"), ...argv], {
      ...process.env,
      TODO_GITOPS_SNAPSHOT: off ? "off" : "stale",
    });
  }
  if (plannedThreads(argv) > 1) {
    // Node cannot start a worker that loads node:net in a process started from a user-land
    // snapshot (an assertion in IsolateData, Node 24.21); the generator's workers do. Many
    // environments take seconds anyway: the bundle runs them. (launch.mjs sends such runs to the
    // bundle itself; this is for `node --snapshot-blob` started by hand.)
    trace(`snapshot ${build.key}: workers run from the bundle`);
    const node = process.execPath;
    process.execve(node, [node, join(repo, "generate", "launch.mjs"), ...argv], {
      ...process.env,
      TODO_GITOPS_SNAPSHOT: "off",
    });
  }
  // performance.now() counts from the process's start: Node's, and the snapshot's deserialization.
  trace(`snapshot ${build.key}, running ${performance.now().toFixed(0)} ms after start`);
  cacheStrippedTypes(cacheDir);
  setEnvironmentBundler(environmentBundler(cacheDir, repo));
  process.exitCode = await main(argv);
});

void warmUp(build.repo, build.warmUp);

/** The repository the blob was started from (it lives in its node_modules/.cache). */
function repository() {
  const i = process.execArgv.findIndex(
    (a) => a === "--snapshot-blob" || a.startsWith("--snapshot-blob="),
  );
  const blob =
    i === -1
      ? undefined
      : process.execArgv[i].includes("=")
        ? process.execArgv[i].split("=").slice(1).join("=")
        : process.execArgv[i + 1];
  if (blob !== undefined) {
    const repo = resolve(dirname(resolve(blob)), "..", "..", "..");
    if (existsSync(join(repo, "generate", "launch.mjs"))) return repo;
  }
  return build.repo;
}

/**
 * The generator's code was compiled with vm's `USE_MAIN_CONTEXT_DEFAULT_LOADER` (the only way a
 * snapshot's code may import the environment files); Node warns once that the option is
 * experimental. Every other warning is printed as usual.
 */
function ignoreLoaderWarning() {
  const emit = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    if (String(warning).includes("USE_MAIN_CONTEXT_DEFAULT_LOADER")) return;
    emit.call(process, warning, ...rest);
  };
}

function trace(message) {
  if (process.env.TODO_GITOPS_TRACE) process.stderr.write(`todo-gitops: ${message}\n`);
}
