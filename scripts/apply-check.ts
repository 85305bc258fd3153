/**
 * `npm run apply-check -- --git REPO --base SHA --head SHA`: whether a change applies over what is
 * live. For each environment, a throw-away etcd and kube-apiserver (the binaries the cluster suite
 * builds, at the pinned versions) get the CRDs the output needs, then the base commit's
 * `rendered/<env>/`; then the head commit's objects are server-side applied over them one by one
 * as Argo CD applies them (its field manager; a hook Job is deleted and created again, as
 * `BeforeHookCreation` does), and the objects the head no longer has are deleted, as prune does.
 * Each object is reported: applied, refused (with the API server's own message), or pruned.
 * Both commits are read from git objects as data; nothing of them runs.
 *
 * Exit codes: 0 every object applies, 1 one is refused, 2 the check could not run (usage, no
 * binaries: `npm run cluster:build`, or the base itself does not apply).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { type ApiServer, startApiServer } from "./cluster/api-server.ts";
import { crdFiles } from "./cluster/crds.ts";
import { Processes } from "./cluster/processes.ts";
import { bin } from "./go.ts";
import { readTreeAt } from "./rendered-summary.ts";
import { VERSIONS } from "./versions.ts";

/** Argo CD's field manager for server-side apply. */
export const FIELD_MANAGER = "argocd-controller";

export interface Outcome {
  environment: string;
  object: string;
  result: "applied" | "refused" | "pruned" | "replaced";
  message?: string;
}

interface Obj {
  kind: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
}
const describe = (o: Obj) => `${o.kind}/${o.metadata?.name ?? ""}`;
const isHook = (o: Obj) => o.metadata?.annotations?.["argocd.argoproj.io/hook"] !== undefined;

/** The environments' objects of one commit: env -> (file -> object). */
function environments(tree: Map<string, unknown>): Map<string, Map<string, Obj>> {
  const envs = new Map<string, Map<string, Obj>>();
  for (const [path, object] of tree) {
    const [top, env] = path.split("/");
    if (top !== "rendered" || env === undefined) continue;
    envs.set(env, (envs.get(env) ?? new Map()).set(path, object as Obj));
  }
  return envs;
}

/** The binaries the cluster suite builds, or the command that builds them. */
function binaries() {
  const bins = {
    etcd: bin("etcd", VERSIONS.etcd),
    kubeApiserver: bin("kube-apiserver", VERSIONS.kubernetes),
    kubectl: bin("kubectl", VERSIONS.kubernetes),
  };
  const missing = Object.values(bins).filter((b) => !existsSync(b));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(", ")}: build them with npm run cluster:build`);
  }
  return bins;
}

const ssa = (api: ApiServer, object: Obj) =>
  api.kubectl(
    ["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "--force-conflicts", "-f", "-"],
    { input: stringify(object), allowFail: true },
  );

/** The API server's reason, without kubectl's preamble. */
const reason = (stderr: string) =>
  stderr
    .replace(/^Error from server \([A-Za-z]+\): /m, "")
    .trim()
    .split("\n")
    .slice(0, 3)
    .join(" ");

/** Applies `base`, then `head` over it, on one fresh API server; every object's outcome. */
async function checkEnvironment(
  p: Processes,
  env: string,
  base: Map<string, Obj>,
  head: Map<string, Obj>,
  crds: string[],
  bins: ReturnType<typeof binaries>,
): Promise<Outcome[]> {
  const api = await startApiServer(p, bins, `apply-check-${env}`);
  api.kubectl(["apply", "--server-side", ...crds.flatMap((crd) => ["-f", crd])]);
  api.kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
  // The base as it is live: in one call, Namespaces first (Argo CD applies them before what
  // lives in them).
  const ordered = (m: Map<string, Obj>) =>
    [...m.values()].sort((a, b) => Number(b.kind === "Namespace") - Number(a.kind === "Namespace"));
  const live = api.kubectl(
    ["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "--force-conflicts", "-f", "-"],
    {
      input: ordered(base)
        .map((o) => stringify(o))
        .join("---\n"),
      allowFail: true,
    },
  );
  if (live.status !== 0)
    throw new Error(`the base's ${env} objects do not apply: ${reason(live.stderr)}`);
  const out: Outcome[] = [];
  for (const object of ordered(head)) {
    const outcome = { environment: env, object: describe(object) };
    if (isHook(object)) {
      const delete_ = ["delete", "-f", "-", "--ignore-not-found", "--wait=false"];
      api.kubectl(delete_, { input: stringify(object), allowFail: true });
    }
    const r = ssa(api, object);
    if (r.status === 0) out.push({ ...outcome, result: isHook(object) ? "replaced" : "applied" });
    else out.push({ ...outcome, result: "refused", message: reason(r.stderr) });
  }
  const kept = new Set([...head.values()].map(describe));
  for (const object of base.values()) {
    if (kept.has(describe(object))) continue;
    const r = api.kubectl(["delete", "-f", "-", "--wait=false"], {
      input: stringify(object),
      allowFail: true,
    });
    out.push({
      environment: env,
      object: describe(object),
      result: r.status === 0 ? "pruned" : "refused",
      ...(r.status === 0 ? {} : { message: reason(r.stderr) }),
    });
  }
  return out;
}

/** Every environment of the two commits, checked one after the other. */
export async function applyCheck(repo: string, base: string, head: string): Promise<Outcome[]> {
  const [before, after] = [
    environments(readTreeAt(repo, base)),
    environments(readTreeAt(repo, head)),
  ];
  const bins = binaries();
  const crds = crdFiles();
  const runDir = mkdtempSync(join(tmpdir(), "todo-apply-check-"));
  const p = new Processes(runDir, join(runDir, "pids"));
  try {
    const out: Outcome[] = [];
    for (const env of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      out.push(
        ...(await checkEnvironment(
          p,
          env,
          before.get(env) ?? new Map(),
          after.get(env) ?? new Map(),
          crds,
          bins,
        )),
      );
      await p.stopAll();
    }
    return out;
  } finally {
    await p.stopAll();
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** The report people read: one line per object that is not simply applied, then the counts. */
export function report(outcomes: readonly Outcome[], seconds: number): string {
  const lines = outcomes
    .filter((o) => o.result !== "applied")
    .map(
      (o) =>
        `${o.result.padEnd(8)} ${o.environment} ${o.object}${o.message ? `: ${o.message}` : ""}`,
    );
  const count = (r: Outcome["result"]) => outcomes.filter((o) => o.result === r).length;
  lines.push(
    `${count("applied")} applied, ${count("replaced")} replaced (hooks), ${count("pruned")} pruned, ${count("refused")} refused, in ${seconds.toFixed(1)} s`,
  );
  return `${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      git: { type: "string", default: "." },
      base: { type: "string" },
      head: { type: "string" },
      json: { type: "string" },
    },
  });
  if (values.base === undefined || values.head === undefined) {
    process.stderr.write(
      "usage: apply-check.ts [--git REPO] --base SHA --head SHA [--json FILE]\n",
    );
    return 2;
  }
  const started = performance.now();
  let outcomes: Outcome[];
  try {
    outcomes = await applyCheck(values.git, values.base, values.head);
  } catch (error) {
    process.stderr.write(`apply-check could not run: ${(error as Error).message}\n`);
    return 2;
  }
  process.stdout.write(report(outcomes, (performance.now() - started) / 1000));
  if (values.json !== undefined)
    writeFileSync(values.json, `${JSON.stringify(outcomes, null, 2)}\n`);
  return outcomes.some((o) => o.result === "refused") ? 1 : 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
