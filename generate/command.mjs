// The command line of `npm run render` and `npm run check`, and how many threads a run takes.
// Read by the launcher (launch.mjs: a run that starts workers goes straight to the bundle, since
// a process started from the startup snapshot cannot start them) and by the generator (cli.ts):
// one definition for both. Plain JavaScript, as the launcher needs; types in command.d.mts.
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

/**
 * Below this many environments `--threads auto` renders on this thread alone: a worker costs
 * more to start (it loads the generator, ~0.1-0.2 s) than it saves.
 */
export const MIN_ENVIRONMENTS = 200;

/**
 * From this many environment files, the launcher's runs import one bundle of them instead of each
 * file (launch-cache.mjs's `environmentBundler`).
 */
export const BUNDLE_ENVIRONMENTS_FROM = 50;

/** The command line; undefined when it is not one (main prints the usage). */
export function parseCommand(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      root: { type: "string", default: process.cwd() },
      threads: { type: "string", default: "auto" },
    },
  });
  const mode = positionals[0] ?? "render";
  const threads = values.threads === "auto" ? "auto" : Number(values.threads);
  if ((mode !== "render" && mode !== "check") || !(threads === "auto" || threads >= 1)) {
    return undefined;
  }
  return { mode, root: values.root, threads: threads === "auto" ? "auto" : Math.floor(threads) };
}

/** Files of environments/ that are not environments (shared by them). */
const NOT_ENVIRONMENTS = new Set(["defaults.ts"]);

/** Whether a file of environments/ is an environment: `<name>.ts`, not a declaration or defaults. */
export function isEnvironmentFile(file) {
  return file.endsWith(".ts") && !file.endsWith(".d.ts") && !NOT_ENVIRONMENTS.has(file);
}

/** `--threads auto` for this many environments. */
export function autoThreads(environments) {
  return environments < MIN_ENVIRONMENTS ? 1 : Math.min(availableParallelism(), 8);
}

/**
 * `--threads` for the environment files in `dir`: a number as given; auto as their count calls
 * for. A folder that cannot be read gives 1: loading then reports it.
 */
export function threadsFor(threads, dir) {
  if (threads !== "auto") return threads;
  try {
    return autoThreads(readdirSync(dir).filter(isEnvironmentFile).length);
  } catch {
    return 1;
  }
}

/**
 * How many threads a run of `argv` will render on. A command line that is not one gives 1: the
 * run itself then prints the usage.
 */
export function plannedThreads(argv) {
  try {
    const command = parseCommand(argv);
    return command === undefined
      ? 1
      : threadsFor(command.threads, join(command.root, "environments"));
  } catch {
    return 1;
  }
}
