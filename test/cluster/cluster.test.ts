/**
 * The GitOps loop against the real thing: a Kubernetes control plane and Argo CD built from their
 * Go modules (test/cluster/build.ts), on 127.0.0.1, with this repository's rendered output served
 * from a local git repository that the test pushes to. Run by `npm run test:cluster` (and so by
 * `npm test`). What it cannot prove: kwok runs no containers, so images and probes are not
 * exercised here (the apps' own suites cover them).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { project } from "../../generate/project.ts";
import { ENVIRONMENTS } from "../helpers.ts";
import { ARGOCD_NAMESPACE, type ArgoCd, POLL_SECONDS, startArgoCd } from "./argocd.ts";
import { type Binaries, build } from "./build.ts";
import { type ControlPlane, startControlPlane } from "./control-plane.ts";
import { Processes, sleep, waitFor } from "../../scripts/cluster/processes.ts";
import { STAND_IN_CONTROLLER, StandIns } from "./stand-ins.ts";
import { cacheRoot, VERSIONS } from "../../scripts/versions.ts";

const REPO = resolve(import.meta.dirname, "../..");
/**
 * Where the rendered/ and argocd/ under test come from: this tree, or (to watch the suite catch
 * what an older revision got wrong) a checkout named by CLUSTER_SUITE_SOURCE, e.g.
 * `git worktree add /tmp/old <rev> && CLUSTER_SUITE_SOURCE=/tmp/old npm run test:cluster`.
 */
const SOURCE = resolve(process.env.CLUSTER_SUITE_SOURCE ?? REPO);
const RUN = join(cacheRoot(), "run");
const PID_FILE = join(cacheRoot(), "run.pids");
const NS = "todo";

const timings: [string, number][] = [];
const timed = async <T>(what: string, f: () => Promise<T> | T): Promise<T> => {
  const started = performance.now();
  const value = await f();
  const seconds = (performance.now() - started) / 1000;
  timings.push([what, seconds]);
  process.stdout.write(`[cluster] ${what}: ${seconds.toFixed(1)} s\n`);
  return value;
};

let p: Processes;
let bins: Binaries;
let cluster: ControlPlane;
let argo: ArgoCd;
let standIns: StandIns;
let failed = false;
let gitRemote: string;
const work = join(RUN, "work");

/** Commits the work tree and pushes it to the repository Argo CD watches; returns the commit. */
function push(message: string): string {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: work, encoding: "utf8", env: gitEnv }).trim();
  git("add", "-A");
  git("commit", "-q", "-m", message);
  git("push", "-q", "origin", "HEAD:main");
  return git("rev-parse", "HEAD");
}
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "cluster suite",
  GIT_AUTHOR_EMAIL: "suite@127.0.0.1",
  GIT_COMMITTER_NAME: "cluster suite",
  GIT_COMMITTER_EMAIL: "suite@127.0.0.1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

/** An Argo CD file of this repository as committed, with only the repository URL replaced. */
function argocdFile(name: string): string {
  return readFileSync(join(work, "argocd", name), "utf8");
}

const app = (name: string) => cluster.get<any>("applications.argoproj.io", name, ARGOCD_NAMESPACE);

async function waitForApp(
  name: string,
  want: { sync?: string; health?: string; revision?: string; phase?: string },
  timeoutMs: number,
) {
  return waitFor(
    `Application ${name} to be ${JSON.stringify(want)}`,
    () => {
      const a = app(name);
      const s = a?.status;
      if (
        s &&
        (!want.sync || s.sync?.status === want.sync) &&
        (!want.health || s.health?.status === want.health) &&
        (!want.revision || s.sync?.revision === want.revision) &&
        (!want.phase || s.operationState?.phase === want.phase)
      )
        return a;
      return undefined;
    },
    timeoutMs,
    1000,
  ).catch((error: Error) => {
    const s = app(name)?.status;
    throw new Error(
      `${error.message}\nlast status: ${JSON.stringify({ sync: s?.sync, health: s?.health, operation: s?.operationState?.message, conditions: s?.conditions })}`,
    );
  });
}

/** Rendered objects of one environment, from the files (of this repository, or `root`). */
function renderedObjects(env: string, root = SOURCE): any[] {
  const dir = join(root, "rendered", env);
  return readdirSync(dir).flatMap((f) =>
    parseAllDocuments(readFileSync(join(dir, f), "utf8")).map((d) => d.toJS()),
  );
}

beforeAll(async () => {
  failed = true; // until the set-up finishes: a failed start keeps its logs too
  Processes.reapLeftovers(PID_FILE);
  rmSync(RUN, { recursive: true, force: true });
  mkdirSync(RUN, { recursive: true });
  p = new Processes(RUN, PID_FILE);
  process.once("exit", () => void p.stopAll(0));
  bins = await timed("build (cached binaries are reused)", () => build());
  cluster = await timed(`start control plane (Kubernetes ${VERSIONS.kubernetes})`, () =>
    startControlPlane(p, bins),
  );
  argo = await timed(`start Argo CD ${VERSIONS.argocd}`, () => startArgoCd(p, bins, cluster));
  standIns = new StandIns(bins, cluster, RUN);
  standIns.start();
  // The platform's part: the GatewayClass each environment names, served here by the stand-in
  // (a real cluster installs Envoy Gateway and its class; docs/operations.md).
  const classes = new Set(ENVIRONMENTS.map((env) => env.routing.className));
  cluster.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [...classes].map((name) => ({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name },
        spec: { controllerName: STAND_IN_CONTROLLER },
      })),
    }),
  });

  // The repository Argo CD follows: this tree's rendered/ and argocd/, the repository URL
  // replaced by a local bare repository (file://) that the test pushes to.
  gitRemote = join(RUN, "repo.git");
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", gitRemote], { env: gitEnv });
  execFileSync("git", ["clone", "-q", gitRemote, work], { env: gitEnv, stdio: "ignore" });
  for (const dir of ["rendered", "argocd"])
    cpSync(join(SOURCE, dir), join(work, dir), { recursive: true });
  for (const file of readdirSync(join(work, "argocd"))) {
    const path = join(work, "argocd", file);
    writeFileSync(
      path,
      readFileSync(path, "utf8").replaceAll(project.repoURL, `file://${gitRemote}`),
    );
  }
  push("the rendered output under test");
  failed = false;
}, 40 * 60_000);

afterAll(async () => {
  standIns?.stop();
  await p?.stopAll();
  process.stdout.write(
    `\n[cluster] versions: ${Object.entries(VERSIONS)
      .filter(([name]) => !["kubeScore", "helm"].includes(name))
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}\n`,
  );
  process.stdout.write(
    `\n[cluster] times:\n${timings.map(([w, s]) => `  ${s.toFixed(1).padStart(6)} s  ${w}`).join("\n")}\n`,
  );
  // Kept after a failure, logs included, for the next person; removed after a pass.
  if (failed) process.stdout.write(`[cluster] a test failed: logs are in ${RUN}/logs\n`);
  else rmSync(RUN, { recursive: true, force: true });
});

afterEach((ctx) => {
  if (ctx.task.result?.state === "fail") failed = true;
});

describe("the suite itself", () => {
  it("listens on 127.0.0.1 only", () => {
    const ours = new Set(p.children.map(({ child }) => child.pid));
    const sockets = execFileSync("ss", ["-Hltnp"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => [...line.matchAll(/pid=(\d+)/g)].some((m) => ours.has(Number(m[1]))));
    expect(sockets.length).toBeGreaterThan(5);
    for (const line of sockets)
      expect(line.split(/\s+/)[3], line).toMatch(/^(127\.0\.0\.1|\[::1\]):\d+$/);
  });
});

describe("the real API server", () => {
  it.each(["minikube", "staging"])(
    "accepts every object of %s server-side, strictly, with no warning",
    (env) => {
      const dir = join(SOURCE, "rendered", env);
      const namespaceFile = join(dir, "namespace-todo.yaml");
      cluster.kubectl(["apply", "--server-side", "--field-manager=suite", "-f", namespaceFile]);
      const result = cluster.kubectl(
        [
          "apply",
          "--server-side",
          "--dry-run=server",
          "--validate=strict",
          "--field-manager=suite",
          "-f",
          dir,
        ],
        { allowFail: true },
      );
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      const applied = result.stdout.trim().split("\n");
      expect(applied).toHaveLength(readdirSync(dir).length);
      cluster.kubectl(["delete", "namespace", NS, "--wait=true", "--timeout=120s"]);
    },
  );

  it("accepts every Argo CD object, warning only about Argo CD's own finalizer name", () => {
    const result = cluster.kubectl(
      [
        "apply",
        "--server-side",
        "--dry-run=server",
        "--validate=strict",
        "-f",
        join(SOURCE, "argocd"),
      ],
      { allowFail: true },
    );
    expect(result.status).toBe(0);
    const warnings = result.stderr.split("\n").filter((l) => l.trim() !== "");
    for (const w of warnings)
      expect(w).toMatch(
        /resources-finalizer\.argocd\.argoproj\.io.*prefer a domain-qualified finalizer/,
      );
  });
});

describe("minikube through Argo CD", () => {
  it("syncs from nothing: bootstrap, then the AppProject and Application as rendered", async () => {
    // The README's own bootstrap command, unchanged, with this cluster as kubectl's.
    const binDir = join(RUN, "bin");
    mkdirSync(binDir, { recursive: true });
    cpSync(bins.kubectl, join(binDir, "kubectl"));
    execFileSync(
      "npm",
      [
        "run",
        "--silent",
        "bootstrap:secrets",
        "--",
        "minikube",
        "--secrets-file",
        join(RUN, ".env.minikube"),
      ],
      {
        cwd: REPO,
        env: {
          ...process.env,
          KUBECONFIG: cluster.kubeconfig,
          PATH: `${binDir}:${process.env.PATH}`,
        },
        stdio: "pipe",
      },
    );
    expect(cluster.get("secret", "todo-secrets", NS)).toBeDefined();

    cluster.kubectl(["apply", "-f", "-"], { input: argocdFile("appproject-todo.yaml") });
    const synced = await timed(
      "first sync of minikube, from nothing to Synced/Healthy",
      async () => {
        cluster.kubectl(["apply", "-f", "-"], {
          input: argocdFile("application-todo-minikube.yaml"),
        });
        return waitForApp(
          "todo-minikube",
          { sync: "Synced", health: "Healthy", phase: "Succeeded" },
          180_000,
        );
      },
    );
    expect(synced.status.operationState.phase).toBe("Succeeded");
    for (const o of renderedObjects("minikube")) {
      const live = cluster.get(o.kind, o.metadata.name, o.metadata.namespace);
      expect(live, `${o.kind}/${o.metadata.name} is live`).toBeDefined();
    }
    const job = cluster.get<any>("job", "todo-backend-migrate", NS);
    expect(job?.status?.succeeded).toBe(1);
  });

  it("routes through Gateway API: the HTTPRoute is accepted with its references resolved, and Argo CD reads it Healthy", async () => {
    const route = cluster.get<any>("httproute", "todo-route", NS);
    const conditions = Object.fromEntries(
      (route?.status?.parents?.[0]?.conditions ?? []).map((c: any) => [c.type, c.status]),
    );
    expect(conditions).toEqual({ Accepted: "True", ResolvedRefs: "True" });
    const tree = await argo.api("GET", "/api/v1/applications/todo-minikube/resource-tree");
    const health = (kind: string, name: string) =>
      tree.json.nodes?.find((n: any) => n.kind === kind && n.name === name)?.health?.status;
    expect(health("Gateway", "todo-gateway")).toBe("Healthy");
    expect(health("HTTPRoute", "todo-route")).toBe("Healthy");
  });

  it("applies a pushed change without any refresh, and prints the latency", async () => {
    const file = join(work, "rendered/minikube/configmap-todo-config.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/LOG_LEVEL: \S+/, "LOG_LEVEL: DEBUG"));
    const revision = push("minikube: debug logging");
    await timed(`push to live (Argo CD polls every ${POLL_SECONDS} s)`, () =>
      waitFor(
        "LOG_LEVEL DEBUG to be live",
        () =>
          cluster.get<any>("configmap", "todo-config", NS)?.data?.LOG_LEVEL === "DEBUG"
            ? true
            : undefined,
        120_000,
        500,
      ),
    );
    await waitForApp("todo-minikube", { sync: "Synced", revision }, 60_000);
  });

  it("prunes an object whose file a commit removes, but never the Namespace", async () => {
    rmSync(join(work, "rendered/minikube/poddisruptionbudget-todo-frontend.yaml"));
    rmSync(join(work, "rendered/minikube/namespace-todo.yaml"));
    const revision = push("minikube: no frontend budget, no namespace file");
    await waitFor(
      "PodDisruptionBudget todo-frontend to be pruned",
      () =>
        cluster.get("poddisruptionbudget", "todo-frontend", NS) === undefined ? true : undefined,
      120_000,
      1000,
    );
    await waitForApp("todo-minikube", { revision, phase: "Succeeded" }, 60_000);
    const ns = cluster.get<any>("namespace", NS);
    expect(ns?.status?.phase).toBe("Active");
    expect(ns?.metadata?.deletionTimestamp).toBeUndefined();
    execFileSync("git", ["checkout", "HEAD~1", "--", "rendered/minikube"], {
      cwd: work,
      env: gitEnv,
    });
    push("minikube: back as rendered");
  });

  it("reverts a manual kubectl scale (self-heal)", async () => {
    const rendered = renderedObjects("minikube").find(
      (o) => o.kind === "Deployment" && o.metadata.name === "todo-backend",
    );
    cluster.kubectl(["scale", "deployment", "todo-backend", "-n", NS, "--replicas=5"]);
    await timed("self-heal of a manual scale", () =>
      waitFor(
        "the rendered replica count to be restored",
        () =>
          cluster.get<any>("deployment", "todo-backend", NS)?.spec?.replicas ===
          rendered.spec.replicas
            ? true
            : undefined,
        120_000,
        500,
      ),
    );
  });

  it("deleting the Application removes its workloads but keeps the Namespace, the Secrets and the database's volume", async () => {
    // No wait for Healthy: whatever state the sync is in, deleting must keep the data.
    const claim = "data-todo-db-0";
    await waitFor(
      "the database's volume claim to be bound",
      () =>
        cluster.get<any>("persistentvolumeclaim", claim, NS)?.status?.phase === "Bound"
          ? true
          : undefined,
      60_000,
      500,
    );
    cluster.kubectl([
      "delete",
      "application",
      "todo-minikube",
      "-n",
      ARGOCD_NAMESPACE,
      "--wait=true",
      "--timeout=120s",
    ]);
    await waitFor(
      "the Deployments to be gone",
      () => (cluster.get("deployment", "todo-backend", NS) === undefined ? true : undefined),
      60_000,
      500,
    );
    await sleep(2000);
    const ns = cluster.get<any>("namespace", NS);
    expect(ns?.status?.phase).toBe("Active");
    expect(ns?.metadata?.deletionTimestamp).toBeUndefined();
    expect(cluster.get("secret", "todo-secrets", NS)).toBeDefined();
    expect(cluster.get("secret", "todo-db-credentials", NS)).toBeDefined();
    expect(cluster.get<any>("persistentvolumeclaim", claim, NS)?.status?.phase).toBe("Bound");
  });
});

describe("staging through Argo CD, by hand", () => {
  const name = "todo-staging";
  /** The staging Application as rendered, but deploying to this cluster (not staging's). */
  const stagingApp = () => {
    const [doc] = parseAllDocuments(argocdFile("application-todo-staging.yaml")).map((d) =>
      d.toJS(),
    );
    doc.spec.destination.server = "https://kubernetes.default.svc";
    return JSON.stringify(doc);
  };

  /** AppProject `todo` as committed, applied as the app-of-apps would (plus this destination). */
  const applyProject = () => {
    const project = parseAllDocuments(argocdFile("appproject-todo.yaml"))[0]!.toJS();
    // Already there for minikube in this repository; added should a fork's minikube differ.
    const here = { server: "https://kubernetes.default.svc", namespace: NS };
    if (!project.spec.destinations.some((d: any) => d.server === here.server && d.namespace === NS))
      project.spec.destinations.push(here);
    cluster.kubectl(["apply", "-f", "-"], { input: JSON.stringify(project) });
  };
  /** The UI's Synchronize button: this body, to this endpoint. */
  const sync = async () => {
    const a = app(name);
    return argo.api("POST", `/api/v1/applications/${name}/sync`, {
      appNamespace: ARGOCD_NAMESPACE,
      revision: a.spec.source.targetRevision,
      prune: false,
      dryRun: false,
      strategy: { hook: { force: false } },
      resources: null,
      syncOptions: { items: a.spec.syncPolicy?.syncOptions ?? [] },
    });
  };

  it("cannot be synced before its images are promoted, not even from the UI", async () => {
    applyProject();
    cluster.kubectl(["apply", "-f", "-"], { input: stagingApp() });
    await waitForApp(name, { sync: "OutOfSync" }, 60_000);
    const refused = await sync();
    expect(refused.status).not.toBe(200);
    expect(JSON.stringify(refused.json)).toMatch(/sync window/i);
    expect(cluster.get("deployment", "todo-backend", NS)).toBeUndefined();
  });

  it("after the promotion, stays OutOfSync until the UI's Sync call, then syncs the exact staging output", async () => {
    // The promotion pull request, as CI makes it: npm run promote on a copy, then merged.
    const promoted = join(RUN, "promoted");
    for (const d of ["environments", "rendered", "argocd"])
      cpSync(join(REPO, d), join(promoted, d), { recursive: true });
    const digest = (seed: string) => `sha256:${createHash("sha256").update(seed).digest("hex")}`;
    execFileSync(
      process.execPath,
      [
        "scripts/promote.ts",
        "--root",
        promoted,
        "--environment",
        "staging",
        "--image",
        `backend=ghcr.io/todo-gitops/todo-backend:sha-cluster@${digest("backend")}`,
        "--image",
        `frontend=ghcr.io/todo-gitops/todo-frontend:sha-cluster@${digest("frontend")}`,
      ],
      { cwd: REPO, stdio: "pipe" },
    );
    rmSync(join(work, "rendered", "staging"), { recursive: true });
    cpSync(join(promoted, "rendered", "staging"), join(work, "rendered", "staging"), {
      recursive: true,
    });
    for (const file of readdirSync(join(promoted, "argocd")))
      writeFileSync(
        join(work, "argocd", file),
        readFileSync(join(promoted, "argocd", file), "utf8").replaceAll(
          project.repoURL,
          `file://${gitRemote}`,
        ),
      );
    const promotedRevision = push("promote staging");
    applyProject();
    await waitForApp(name, { sync: "OutOfSync", revision: promotedRevision }, 120_000);
    await sleep(2 * POLL_SECONDS * 1000);
    expect(app(name)?.status?.operationState).toBeUndefined();
    expect(cluster.get("deployment", "todo-backend", NS)).toBeUndefined();

    await timed("first sync of staging through the Sync API", async () => {
      const res = await sync();
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      return waitForApp(name, { sync: "Synced", health: "Healthy", phase: "Succeeded" }, 180_000);
    });
    expect(cluster.get("externalsecret", "todo-secrets", NS)).toBeDefined();
    for (const o of renderedObjects("staging", promoted))
      expect(
        cluster.get(o.kind, o.metadata.name, o.metadata.namespace),
        `${o.kind}/${o.metadata.name}`,
      ).toBeDefined();

    const file = join(work, "rendered/staging/configmap-todo-config.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/LOG_LEVEL: \S+/, "LOG_LEVEL: DEBUG"));
    const revision = push("staging: debug logging");
    await waitForApp(name, { sync: "OutOfSync", revision }, 120_000);
    await sleep(2 * POLL_SECONDS * 1000);
    expect(cluster.get<any>("configmap", "todo-config", NS)?.data?.LOG_LEVEL).not.toBe("DEBUG");
    expect(app(name)?.status?.sync?.status).toBe("OutOfSync");
    expect((await sync()).status).toBe(200);
    await waitForApp(name, { sync: "Synced", revision, phase: "Succeeded" }, 120_000);
    expect(cluster.get<any>("configmap", "todo-config", NS)?.data?.LOG_LEVEL).toBe("DEBUG");
    cluster.kubectl([
      "delete",
      "application",
      name,
      "-n",
      ARGOCD_NAMESPACE,
      "--wait=true",
      "--timeout=120s",
    ]);
  });
});

describe("the app-of-apps", () => {
  it("creates the environments' Applications and projects from argocd/", async () => {
    cluster.kubectl(["apply", "-f", "-"], { input: argocdFile("appproject-todo-bootstrap.yaml") });
    cluster.kubectl(["apply", "-f", "-"], { input: argocdFile("application-todo-apps.yaml") });
    await waitForApp("todo-apps", { sync: "Synced", health: "Healthy" }, 180_000);
    for (const n of ["todo-minikube", "todo-staging"]) expect(app(n), n).toBeDefined();
    // minikube syncs on its own again; staging names a cluster Argo CD does not know yet.
    await waitForApp("todo-minikube", { sync: "Synced", health: "Healthy" }, 180_000);
    // Argo CD keeps each child's spec as the root applied it, and the root stays Synced once its
    // children have run. A spec that spells out Argo CD's defaults is rewritten by the controller
    // (`directory: {recurse: false}` was), and the root then finds it changed after every sync.
    const child = parseAllDocuments(argocdFile("application-todo-minikube.yaml"))[0]!.toJS();
    expect(app("todo-minikube")?.spec?.source).toEqual(child.spec.source);
    await sleep(2 * POLL_SECONDS * 1000);
    expect(app("todo-apps")?.status?.sync?.status).toBe("Synced");
    const staging = app("todo-staging");
    expect(JSON.stringify(staging?.status?.conditions ?? [])).toMatch(
      /InvalidSpecError|not found|unknown/i,
    );
  });
});
