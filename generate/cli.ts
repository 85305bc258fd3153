/**
 * `npm run render` and `npm run check`. Parses arguments, then load -> render -> write (or
 * compare). Exit codes: 0 done / no drift, 1 drift, 2 invalid input (nothing written).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseCommand, threadsFor } from "./command.mjs";
import { resolveEnvironment } from "./environment.ts";
import { environmentNames, loadEnvironments, readImages } from "./load.ts";
import { type FileMap, renderAll } from "./render.ts";
import { timedAsync } from "./trace.ts";
import { type RenderWorker, renderParallel, startWorkers, stopWorkers } from "./workers.ts";
import { findDrift, writeOutput } from "./writer.ts";

export { plannedThreads } from "./command.mjs";
export { setEnvironmentBundler } from "./load.ts";
export { setWorkerScript } from "./workers.ts";

const FIX = "npm run render";
const USAGE = "usage: cli.ts [render|check] [--root DIR] [--threads auto|N]\n";

/**
 * Loads `<root>/environments` and renders it, on `threads` threads ("auto": several only for many
 * environments; the bytes are the same either way). Invalid input is printed (environment, field,
 * rule) and gives undefined: the caller writes nothing and exits 2.
 */
export async function renderRoot(
  root: string,
  threads: number | "auto" = 1,
): Promise<FileMap | undefined> {
  let workers: RenderWorker[] = [];
  try {
    const dir = join(root, "environments");
    const count = threadsFor(threads, dir);
    // Started first, so that they load the generator while this thread loads the environments.
    workers = startWorkers(count - 1);
    const environments = await timedAsync("loaded the environments", () => loadEnvironments(dir));
    return await renderParallel(environments, count, workers);
  } catch (error) {
    await stopWorkers(workers);
    process.stderr.write(`${(error as Error).message}\n`);
    return undefined;
  }
}

export async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  const { mode, root, threads } = command;
  const files = await renderRoot(root, threads);
  if (files === undefined) return 2;
  if (mode === "render") {
    await timedAsync("wrote what differs", () => writeOutput(root, files));
    process.stdout.write(`rendered ${files.size} files into rendered/ and argocd/\n`);
    return 0;
  }
  const drift = await timedAsync("compared", () => findDrift(root, files));
  if (drift.length === 0) {
    process.stdout.write(`no drift: ${files.size} committed files equal the generator's output\n`);
    return 0;
  }
  for (const d of drift) process.stdout.write(d.diff);
  process.stdout.write(`\ndrift in ${drift.length} file(s):\n`);
  for (const d of drift) process.stdout.write(`  ${d.change.padEnd(7)} ${d.path}\n`);
  process.stdout.write(
    `\nThe committed output differs from the generator. Fix: ${FIX}, then commit the result.\n`,
  );
  return 1;
}

/** What a startup snapshot is warmed with: `root`'s environment files' exports and images. */
export interface WarmUpInput {
  environments: { name: string; data: unknown }[];
  images: unknown;
}

/** Reads `root`'s environments as the loader does, before validation (launch.mjs sends it on). */
export async function warmUpInput(root: string): Promise<WarmUpInput> {
  const dir = join(root, "environments");
  const environments: WarmUpInput["environments"] = [];
  for (const name of await environmentNames(dir)) {
    const module = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as {
      default?: unknown;
    };
    environments.push({ name, data: module.default });
  }
  return { environments, images: await readImages(dir) };
}

/**
 * Runs what `npm run render` and `npm run check` run (validation, render, YAML, the comparison
 * with `root`'s files) without writing, so that a startup snapshot taken afterwards holds that
 * code compiled and its lazily built parts (zod's parsers) built. Findings are no concern here.
 */
export async function warmUp(root: string, input: WarmUpInput): Promise<void> {
  try {
    const environments = input.environments.map(({ name, data }) =>
      resolveEnvironment(name, data, input.images),
    );
    await findDrift(root, renderAll(environments));
  } catch {
    // An invalid environment warms less; the snapshot runs the same code either way.
  }
}

if (import.meta.main) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
