/**
 * `npm run bench`: how long rendering takes, as figures. Nothing here fails a build: the targets
 * (issue 15) are compared in the output.
 *
 * 1. The two committed environments, as fresh processes, side by side in one run: `npm run render`
 *    and `npm run check` (their command, `node generate/launch.mjs`: the startup snapshot) against
 *    `helm template` of a chart holding the same 44 objects as static templates (a lower bound for
 *    an equivalent chart: no values, no logic). helm is built from its Go module at the version
 *    pinned in test/cluster/versions.ts, once, into the user cache; without Go, its figure is
 *    reported as skipped. The commands run interleaved, round by round, so that the machine's load
 *    falls on all of them alike; the ratio is of medians. For comparison: the snapshot without
 *    the launcher's exec, the bundle without the snapshot, the unbundled sources, and the same
 *    work in-process and warm (work, not start-up); and the phases of one traced check.
 * 2. 100 and 1,000 generated environments (scripts/many-environments.ts, in a scratch folder):
 *    render into an empty output (every file written), render again over it (nothing written),
 *    and check, each as a fresh process with the default `--threads auto`; the phases of one
 *    traced render; and for scale, the time to write as many files of that size from here.
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
import { loadEnvironments } from "../generate/load.ts";
import { renderAll } from "../generate/render.ts";
import { goInstall } from "../test/cluster/build.ts";
import { VERSIONS } from "../test/cluster/versions.ts";
import { writeEnvironments } from "./many-environments.ts";

const REPO = resolve(import.meta.dirname, "..");
const LAUNCH = join(REPO, "generate", "launch.mjs");
const NODE = process.execPath;

const { values: options } = parseArgs({
  options: {
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "11" },
    "skip-1000": { type: "boolean", default: false },
  },
});
const RUNS = Number(options.runs);

interface Command {
  label: string;
  run: () => void;
}

const ms = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), low: at(0.25), high: at(0.75) };
};
const seconds = (t: number) => `${(t / 1000).toFixed(3)} s`;
const spread = (v: ReturnType<typeof ms>) =>
  `${seconds(v.median)}  (middle half ${seconds(v.low)}-${seconds(v.high)})`;

/** A command as a fresh process; its failure stops the benchmark (a figure of a failure is none). */
function spawnTimed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return () => {
    const result = spawnSync(command, args, {
      cwd: REPO,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
    }
  };
}

/** Runs the commands `rounds` times, interleaved (each round starts one further on). */
function interleaved(commands: Command[], rounds: number, before?: (label: string) => void) {
  const times = new Map(commands.map((c) => [c.label, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < commands.length; i++) {
      const command = commands[(round + i) % commands.length]!;
      before?.(command.label);
      const start = performance.now();
      command.run();
      times.get(command.label)!.push(performance.now() - start);
    }
  }
  return new Map([...times].map(([label, t]) => [label, ms(t)]));
}

/** A scratch repository root: the committed environments and output, as ES modules like here. */
function scratchRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "todo-bench-"));
  for (const part of ["environments", "rendered", "argocd"]) {
    cpSync(join(REPO, part), join(root, part), { recursive: true });
  }
  writeFileSync(join(root, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
  return root;
}

/** helm from its Go module at the pinned version, or why there is none. */
function helmBinary(): { path: string; version: string } | { skipped: string } {
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.status !== 0) return { skipped: "no Go toolchain on PATH to build helm from its module" };
  try {
    const path = goInstall("helm", "helm.sh/helm/v4/cmd/helm", VERSIONS.helm);
    const version = execFileSync(path, ["version", "--short"], { encoding: "utf8" }).trim();
    return { path, version };
  } catch (error) {
    return { skipped: `building helm ${VERSIONS.helm} failed: ${(error as Error).message}` };
  }
}

/** One chart whose templates are the rendered files, verbatim ({{ escaped): the same objects. */
function helmChart(root: string): string {
  const chart = join(root, "chart");
  mkdirSync(join(chart, "templates"), { recursive: true });
  writeFileSync(join(chart, "Chart.yaml"), "apiVersion: v2\nname: todo\nversion: 0.1.0\n");
  for (const top of ["rendered", "argocd"]) {
    for (const file of readdirSync(join(root, top), { recursive: true })) {
      const source = join(root, top, String(file));
      if (!statSync(source).isFile()) continue;
      const text = readFileSync(source, "utf8");
      writeFileSync(
        join(chart, "templates", `${top}-${String(file).replaceAll("/", "-")}`),
        text.replaceAll("{{", '{{ "{{" }}'),
      );
    }
  }
  return chart;
}

/** The lines TODO_GITOPS_TRACE makes a run print: the path it took and its phases. */
function tracedPhases(args: string[]): string {
  const result = spawnSync(NODE, args, {
    cwd: REPO,
    env: { ...process.env, TODO_GITOPS_TRACE: "1" },
    encoding: "utf8",
  });
  return result.stderr
    .split("\n")
    .filter((line) => line.startsWith("todo-gitops: "))
    .map((line) => `      ${line.slice("todo-gitops: ".length)}`)
    .join("\n");
}

/** The startup snapshot launch.mjs built for this Node. */
function snapshotBlob(): string {
  const dir = join(REPO, "node_modules", ".cache", "todo-gitops");
  const name = `generator-${process.version}-${process.platform}-${process.arch}.blob`;
  if (!readdirSync(dir).includes(name)) throw new Error(`no ${name} in ${dir}`);
  return join(dir, name);
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${process.platform}-${process.arch}`;
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

async function twoEnvironments(): Promise<void> {
  const root = scratchRoot();
  try {
    // The runs people see: the snapshot and bundle caches exist (a first run builds them).
    const built = spawnSync(NODE, [LAUNCH, "build-snapshot"], { cwd: REPO, encoding: "utf8" });
    if (built.status !== 0)
      throw new Error(`building the startup snapshot failed: ${built.stderr}`);
    spawnTimed(NODE, [LAUNCH, "check", "--root", root], {
      ...process.env,
      TODO_GITOPS_SNAPSHOT: "off",
    })();

    const helm = helmBinary();
    const bundle = { ...process.env, TODO_GITOPS_SNAPSHOT: "off" };
    const commands: Command[] = [
      { label: "render", run: spawnTimed(NODE, [LAUNCH, "render", "--root", root]) },
      { label: "check", run: spawnTimed(NODE, [LAUNCH, "check", "--root", root]) },
      {
        label: "render, snapshot without the launcher",
        run: spawnTimed(NODE, ["--snapshot-blob", snapshotBlob(), "render", "--root", root]),
      },
      {
        label: "render, bundle",
        run: spawnTimed(NODE, [LAUNCH, "render", "--root", root], bundle),
      },
      {
        label: "render, sources",
        run: spawnTimed(NODE, [join(REPO, "generate", "cli.ts"), "render", "--root", root]),
      },
      // The floor of any Node command: Node's own start, doing nothing.
      { label: "node -e 0", run: spawnTimed(NODE, ["-e", "0"]) },
    ];
    if ("path" in helm) {
      const chart = helmChart(root);
      commands.push({ label: "helm", run: spawnTimed(helm.path, ["template", "todo", chart]) });
    }
    const loadBefore = load();
    const t = interleaved(commands, RUNS);
    const get = (label: string) => t.get(label)!;

    console.log(`\n2 environments (44 files), fresh processes, ${RUNS} interleaved rounds`);
    console.log(`  load average before ${loadBefore}, after ${load()}`);
    console.log(`  npm run render (snapshot)              ${spread(get("render"))}`);
    console.log(`  npm run check (snapshot)               ${spread(get("check"))}`);
    if ("path" in helm) {
      const h = get("helm");
      console.log(`  helm template ${helm.version}, same objects   ${spread(h)}`);
      for (const mode of ["render", "check"]) {
        const ratio = get(mode).median / h.median;
        console.log(
          `    ${mode} / helm: ${ratio.toFixed(2)}   target < 1.0: ${ratio < 1 ? "met" : "NOT met"}`,
        );
      }
    } else {
      console.log(`  helm template: skipped (${helm.skipped})`);
    }
    console.log(
      `  render, node --snapshot-blob directly   ${spread(get("render, snapshot without the launcher"))}`,
    );
    console.log(`  render, bundle without the snapshot    ${spread(get("render, bundle"))}`);
    console.log(`  render, unbundled sources              ${spread(get("render, sources"))}`);
    console.log(`  node -e 0 (Node's start, nothing else) ${spread(get("node -e 0"))}`);

    // The work itself, warm, in this process: what is not start-up.
    const environments = await loadEnvironments(join(root, "environments"));
    for (let i = 0; i < 5; i++) renderAll(environments);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      renderAll(environments);
      times.push(performance.now() - start);
    }
    console.log(`  render in-process, warm (no start-up)  ${spread(ms(times))}`);
    console.log(`    one check, traced:\n${tracedPhases([LAUNCH, "check", "--root", root])}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * `count` generated environments rendered and checked as fresh processes, in a scratch folder
 * under `base`; `where` names the file system when it is not the usual one.
 */
async function manyEnvironments(
  count: number,
  runs: number,
  base = tmpdir(),
  where = "",
): Promise<void> {
  const root = mkdtempSync(join(base, `todo-bench-${count}-`));
  try {
    await writeEnvironments(root, count);
    const args = (mode: string) => [LAUNCH, mode, "--root", root];
    const clear = () => {
      for (const top of ["rendered", "argocd"])
        rmSync(join(root, top), { recursive: true, force: true });
    };
    // The first run strips the new environment files' types (cached by content afterwards).
    clear();
    let start = performance.now();
    spawnTimed(NODE, args("render"))();
    const first = performance.now() - start;
    const files = readdirSync(join(root, "rendered"), { recursive: true }).length;

    const loadBefore = load();
    const render = interleaved(
      [{ label: "render", run: spawnTimed(NODE, args("render")) }],
      runs,
      clear,
    );
    const rest = interleaved(
      [
        { label: "again", run: spawnTimed(NODE, args("render")) },
        { label: "check", run: spawnTimed(NODE, args("check")) },
      ],
      runs,
    );
    // As many files of the same size, written from here: the disk's share of a render.
    const one = join(root, "rendered", readdirSync(join(root, "rendered"))[0]!);
    const sizes = readdirSync(one).map((f) => statSync(join(one, f)).size);
    const text = "x".repeat(Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length));
    const floor = join(root, "floor");
    // Right after emptying the output, as a render into an empty output is measured.
    clear();
    start = performance.now();
    for (let e = 0; e < count; e++) {
      mkdirSync(join(floor, String(e)), { recursive: true });
      for (let f = 0; f < sizes.length; f++) writeFileSync(join(floor, String(e), String(f)), text);
    }
    const disk = performance.now() - start;

    // Where one render's time goes.
    rmSync(floor, { recursive: true, force: true });
    clear();
    const phases = tracedPhases(args("render"));

    const r = render.get("render")!;
    const c = rest.get("check")!;
    console.log(
      `\n${count} generated environments (${files} files under rendered/), fresh processes, ${runs} rounds${where}`,
    );
    console.log(`  load average before ${loadBefore}, after ${load()}`);
    console.log(`  render, first run (new files)          ${seconds(first)}`);
    console.log(`  render into an empty output            ${spread(r)}`);
    console.log(`  render again over it (nothing written) ${spread(rest.get("again")!)}`);
    console.log(`  check                                  ${spread(c)}`);
    console.log(`    one render into an empty output, traced:\n${phases}`);
    console.log(
      `  (writing ${count * sizes.length} files of ${text.length} bytes from this process took ${seconds(disk)})`,
    );
    if (count === 1000) {
      for (const [what, v] of [
        ["render", r],
        ["check", c],
      ] as const) {
        console.log(`    ${what} < 3 s: ${v.median < 3000 ? "met" : "NOT met"}`);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log(`render benchmark: ${machine()}`);
await twoEnvironments();
await manyEnvironments(100, Math.max(3, Math.ceil(RUNS / 2)));
if (!options["skip-1000"]) {
  await manyEnvironments(1000, 3);
  // The same in memory: what the render costs without this machine's disk, whose time to create
  // 19,000 files swings from 0.3 s to over 6 s (BENCHMARKS.md).
  if (existsSync("/dev/shm"))
    await manyEnvironments(1000, 3, "/dev/shm", ", in memory (tmpfs, /dev/shm)");
}
