/**
 * `npm run bench`: how long rendering takes, as figures. Nothing here fails a build; the targets
 * are printed beside the figures (docs/performance.md says why they are what they are).
 *
 * 1. The committed environments, as fresh processes, interleaved round by round so that the
 *    machine's load falls on all alike: `npm run render` and `npm run check` (their command, as
 *    package.json runs it), Node doing nothing, and `helm template` of a chart holding the same
 *    objects as static templates (a lower bound for an equivalent chart: no values, no logic).
 *    helm is built once from its Go module at the pinned version into the user cache; without Go
 *    its figure is reported as skipped. Target: render at most 2.0x helm, ratio of medians.
 * 2. 100 and 1,000 generated environments (scripts/many-environments.ts, in a scratch folder):
 *    render into an empty output (every file written), again over it (nothing written), and
 *    check. Target: linear (the time per environment about the same at both sizes), and 1,000
 *    environments under 10 s. Beside each, the time a bare loop takes to write as many files of
 *    the same size (the disk's share), and the 1,000 again in memory (/dev/shm).
 *
 *   npm run bench [-- --runs 11] [-- --skip-1000]
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { goInstall } from "./go.ts";
import { writeEnvironments } from "./many-environments.ts";
import { VERSIONS } from "./versions.ts";

const REPO = resolve(import.meta.dirname, "..");
const NODE = process.execPath;
const PACKAGE = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};
/** What `npm run <mode>` runs, with `--root`: the entry point package.json names. */
const generator = (mode: "render" | "check", root: string) => {
  const [, entry] = PACKAGE.scripts[mode]!.split(" ");
  return [join(REPO, entry!), mode, "--root", root];
};

const { values: options } = parseArgs({
  options: {
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "11" },
    "skip-1000": { type: "boolean", default: false },
  },
});
const RUNS = Number(options.runs);

interface Figures {
  median: number;
  low: number;
  high: number;
}
function figures(values: number[]): Figures {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), low: at(0.25), high: at(0.75) };
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const spread = (f: Figures) =>
  `${seconds(f.median)}  (middle half ${seconds(f.low)}-${seconds(f.high)})`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

/** A command as a fresh process; its failure stops the benchmark (a figure of a failure is none). */
function command(file: string, args: string[]): () => void {
  return () => {
    const result = spawnSync(file, args, { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
    if (result.status !== 0) {
      throw new Error(`${file} ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
    }
  };
}

/** Each command `rounds` times, interleaved (each round starts one further on). */
function interleaved(
  commands: Record<string, () => void>,
  rounds: number,
  before?: () => void,
): Record<string, Figures> {
  const labels = Object.keys(commands);
  const times = Object.fromEntries(labels.map((l) => [l, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[(round + i) % labels.length]!;
      before?.();
      const start = performance.now();
      commands[label]!();
      times[label]!.push(performance.now() - start);
    }
  }
  return Object.fromEntries(labels.map((l) => [l, figures(times[l]!)]));
}

/** helm from its Go module at the pinned version, or why there is none. */
function helm(): { path: string; version: string } | { skipped: string } {
  if (spawnSync("go", ["version"]).status !== 0) return { skipped: "no Go toolchain on PATH" };
  try {
    const path = goInstall("helm", "helm.sh/helm/v4/cmd/helm", VERSIONS.helm);
    return {
      path,
      version: execFileSync(path, ["version", "--short"], { encoding: "utf8" }).trim(),
    };
  } catch (error) {
    return { skipped: `building helm ${VERSIONS.helm} failed: ${(error as Error).message}` };
  }
}

/** A chart whose templates are the rendered files, verbatim (`{{` escaped): the same objects. */
function chartOf(root: string): string {
  const chart = join(root, "chart");
  mkdirSync(join(chart, "templates"), { recursive: true });
  writeFileSync(join(chart, "Chart.yaml"), "apiVersion: v2\nname: todo\nversion: 0.1.0\n");
  for (const top of ["rendered", "argocd"]) {
    for (const file of readdirSync(join(root, top), { recursive: true }).map(String)) {
      const source = join(root, top, file);
      if (!statSync(source).isFile()) continue;
      writeFileSync(
        join(chart, "templates", `${top}-${file.replaceAll("/", "-")}`),
        readFileSync(source, "utf8").replaceAll("{{", '{{ "{{" }}'),
      );
    }
  }
  return chart;
}

function committedEnvironments(): void {
  const root = mkdtempSync(join(tmpdir(), "todo-bench-"));
  try {
    for (const part of ["environments", "rendered", "argocd"]) {
      cpSync(join(REPO, part), join(root, part), { recursive: true });
    }
    writeFileSync(join(root, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
    const files = readdirSync(join(root, "rendered"), { recursive: true }).length;
    const yardstick = helm();
    const commands: Record<string, () => void> = {
      "npm run render": command(NODE, generator("render", root)),
      "npm run check": command(NODE, generator("check", root)),
      "node -e 0 (Node's own start)": command(NODE, ["-e", "0"]),
    };
    if ("path" in yardstick) {
      commands[`helm template (${yardstick.version})`] = command(yardstick.path, [
        "template",
        "todo",
        chartOf(root),
      ]);
    }
    // One run first: Node's compile cache is written by the first run after a change.
    commands["npm run render"]!();
    const before = load();
    const t = interleaved(commands, RUNS);
    console.log(`\nthe committed environments (${files} files), fresh processes, ${RUNS} rounds`);
    console.log(`  load average before ${before}, after ${load()}`);
    for (const [label, f] of Object.entries(t)) console.log(`  ${label.padEnd(36)} ${spread(f)}`);
    if ("skipped" in yardstick) return void console.log(`  helm: skipped (${yardstick.skipped})`);
    const h = Object.entries(t).find(([label]) => label.startsWith("helm"))![1].median;
    for (const mode of ["render", "check"]) {
      const ratio = t[`npm run ${mode}`]!.median / h;
      console.log(
        `  ${mode} / helm ${ratio.toFixed(2)}x   target <= 2.0x: ${ratio <= 2 ? "met" : "NOT met"}`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** `count` generated environments, rendered and checked as fresh processes. */
async function manyEnvironments(
  count: number,
  runs: number,
  base = tmpdir(),
  where = "",
): Promise<number> {
  const root = mkdtempSync(join(base, `todo-bench-${count}-`));
  try {
    await writeEnvironments(root, count);
    const clear = () => {
      for (const top of ["rendered", "argocd"])
        rmSync(join(root, top), { recursive: true, force: true });
    };
    command(NODE, generator("render", root))();
    const files = readdirSync(join(root, "rendered"), { recursive: true }).length;
    const before = load();
    const empty = interleaved({ render: command(NODE, generator("render", root)) }, runs, clear);
    command(NODE, generator("render", root))();
    const rest = interleaved(
      {
        again: command(NODE, generator("render", root)),
        check: command(NODE, generator("check", root)),
      },
      runs,
    );
    // The disk's share: as many files of the same size, written from a bare loop, in the same run.
    const sizes = readdirSync(join(root, "rendered"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => statSync(join(e.parentPath, e.name)).size);
    const text = "x".repeat(Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length));
    const floor = join(root, "floor");
    const perFolder = Math.ceil(sizes.length / count);
    const start = performance.now();
    for (let e = 0; e < count; e++) {
      mkdirSync(join(floor, String(e)), { recursive: true });
      for (let f = 0; f < perFolder; f++) writeFileSync(join(floor, String(e), `${f}.yaml`), text);
    }
    const disk = performance.now() - start;
    console.log(
      `\n${count} generated environments (${files} files), fresh processes, ${runs} rounds${where}`,
    );
    console.log(`  load average before ${before}, after ${load()}`);
    console.log(`  render into an empty output            ${spread(empty.render!)}`);
    console.log(`  render again over it (nothing written) ${spread(rest.again!)}`);
    console.log(`  check                                  ${spread(rest.check!)}`);
    console.log(
      `  (the same number of files of that size, written from a bare loop: ${seconds(disk)})`,
    );
    const perEnvironment = empty.render!.median / count;
    console.log(`  per environment                        ${perEnvironment.toFixed(2)} ms`);
    if (count === 1000) {
      const met = empty.render!.median < 10_000 ? "met" : "NOT met";
      console.log(`  1,000 environments under 10 s: ${met}`);
    }
    return perEnvironment;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(
  `render benchmark: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`,
);
committedEnvironments();
const at100 = await manyEnvironments(100, Math.max(3, Math.ceil(RUNS / 2)));
if (!options["skip-1000"]) {
  const at1000 = await manyEnvironments(1000, 3);
  // The same in memory: the render without this machine's disk, whose time to create 21,000
  // files swings from seconds to over ten.
  if (existsSync("/dev/shm")) await manyEnvironments(1000, 3, "/dev/shm", ", in memory (tmpfs)");
  console.log(
    `\nlinear: ${at1000.toFixed(2)} ms per environment at 1,000, ${at100.toFixed(2)} ms at 100 (${(at1000 / at100).toFixed(2)}x)`,
  );
}
