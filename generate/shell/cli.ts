/**
 * `npm run render` and `npm run check`: load -> render -> write (or compare). Exit codes: 0 done
 * or no drift, 1 drift, 2 invalid input or command line (nothing written).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadEnvironments } from "./load.ts";
import { type FileMap, renderAll } from "../pipeline/render.ts";
import { findDrift, writeOutput } from "./writer.ts";

const FIX = "npm run render";
const USAGE = "usage: render|check [--root DIR]\n";

/** The command line; undefined when it is not one (main prints the usage). */
export function parseCommand(
  argv: string[],
): { mode: "render" | "check"; root: string } | undefined {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { root: { type: "string", default: process.cwd() } },
    });
    const mode = positionals[0] ?? "render";
    if ((mode !== "render" && mode !== "check") || positionals.length > 1) return undefined;
    return { mode, root: values.root };
  } catch {
    return undefined;
  }
}

/**
 * Loads `<root>/environments` and renders it. Invalid input is printed (environment, field, rule)
 * and gives undefined: the caller writes nothing and exits 2.
 */
export async function renderRoot(root: string): Promise<FileMap | undefined> {
  try {
    return renderAll(await loadEnvironments(join(root, "environments")));
  } catch (error) {
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
  const { mode, root } = command;
  const files = await renderRoot(root);
  if (files === undefined) return 2;
  if (mode === "render") {
    writeOutput(root, files);
    process.stdout.write(`rendered ${files.size} files into rendered/ and argocd/\n`);
    return 0;
  }
  const drift = findDrift(root, files);
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
