/**
 * A real Argo CD (application-controller, repo-server, server: one multi-call binary built from its
 * Go module) out of cluster against the test control plane, with Debian's redis. The in-cluster
 * destination (https://kubernetes.default.svc) is the test cluster (ARGOCD_FAKE_IN_CLUSTER plus
 * KUBECONFIG). Git is polled every 10 s (app resync and the repo-server's revision cache), instead
 * of the default 3 minutes, so that a push is seen within a test's patience.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { Binaries } from "./build.ts";
import type { ControlPlane } from "./control-plane.ts";
import { freePort, type Processes, waitFor } from "../../scripts/cluster/processes.ts";

export const ARGOCD_NAMESPACE = "argocd";
/** How often Argo CD looks at git and at the cluster in this suite. */
export const POLL_SECONDS = 10;

export interface ArgoCd {
  /** argocd-server's base URL (plain HTTP on loopback). */
  url: string;
  /** A session token for user admin, as the UI holds after log-in. */
  token: string;
  /** POST or GET on argocd-server's REST API, as the UI does. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
}

/** Debian's redis-server, installed when missing and allowed (as root, like Chromium elsewhere). */
export function redisServer(): string {
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  if (which.status === 0) return which.stdout.trim();
  if (process.getuid?.() === 0) {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "redis-server"], {
      stdio: "ignore",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return "/usr/bin/redis-server";
  }
  throw new Error("Argo CD needs redis: install Debian's 'redis-server'");
}

export async function startArgoCd(
  p: Processes,
  bins: Binaries,
  cluster: ControlPlane,
): Promise<ArgoCd> {
  const { kubectl } = cluster;
  const dir = join(p.runDir, "argocd");
  mkdirSync(join(dir, "tmp"), { recursive: true });
  // What the image has in /usr/local/bin, as the image's Dockerfile puts it there: module files
  // are read-only and not executable, so they are copied and marked executable.
  const pathDir = join(dir, "bin");
  mkdirSync(pathDir, { recursive: true });
  for (const script of bins.argocdPathScripts) {
    const target = join(pathDir, basename(script));
    copyFileSync(script, target);
    chmodSync(target, 0o755);
  }
  kubectl(["create", "namespace", ARGOCD_NAMESPACE]);
  kubectl(["apply", "--server-side", ...bins.crds.flatMap((f) => ["-f", f])]);
  kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);

  const password = randomBytes(12).toString("hex");
  const hash = execFileSync(bins.argocd, ["account", "bcrypt", "--password", password], {
    env: { ...process.env, ARGOCD_BINARY_NAME: "argocd" },
    encoding: "utf8",
  }).trim();
  const partOf = { "app.kubernetes.io/part-of": "argocd" };
  const config = (kind: string, name: string, data: Record<string, string>) => ({
    apiVersion: "v1",
    kind,
    metadata: { name, namespace: ARGOCD_NAMESPACE, labels: partOf },
    ...(kind === "Secret" ? { stringData: data } : { data }),
  });
  kubectl(["apply", "-f", "-"], {
    input: JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [
        config("ConfigMap", "argocd-cm", {
          "timeout.reconciliation": `${POLL_SECONDS}s`,
          "timeout.reconciliation.jitter": "0s",
        }),
        config("ConfigMap", "argocd-rbac-cm", {}),
        config("ConfigMap", "argocd-cmd-params-cm", {}),
        config("Secret", "argocd-secret", {
          "server.secretkey": randomBytes(32).toString("base64"),
          "admin.password": hash,
          "admin.passwordMtime": new Date(0).toISOString(),
        }),
      ],
    }),
  });

  const [redis, repoPort, repoMetrics, ctrlMetrics, serverPort, serverMetrics] = await Promise.all(
    Array.from({ length: 6 }, freePort),
  );
  p.start("redis", redisServer(), [
    "--bind",
    "127.0.0.1",
    "--port",
    String(redis),
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  const common = {
    KUBECONFIG: cluster.kubeconfig,
    ARGOCD_FAKE_IN_CLUSTER: "true",
    ARGOCD_GPG_ENABLED: "false",
    ARGOCD_CONTROLLER_REPLICAS: "1",
    TMPDIR: join(dir, "tmp"), // the repo-server's checkouts, removed with the run
    PATH: `${pathDir}:${process.env.PATH}`,
    HOME: dir,
  };
  const redisAddress = `127.0.0.1:${redis}`;
  const repoServer = `127.0.0.1:${repoPort}`;
  p.start(
    "argocd-repo-server",
    bins.argocd,
    [
      "--address",
      "127.0.0.1",
      "--port",
      String(repoPort),
      "--metrics-address",
      "127.0.0.1",
      "--metrics-port",
      String(repoMetrics),
      "--disable-tls",
      // Its default is the in-pod path of the optional mTLS Secret (/app/config/reposerver/mtls/),
      // which 3.6 refuses beside --disable-tls even when no such file exists: plain gRPC on
      // loopback needs no client CA.
      "--client-ca-path",
      "",
      "--redis",
      redisAddress,
      "--revision-cache-expiration",
      `${POLL_SECONDS}s`,
      "--loglevel",
      "info",
    ],
    { ...common, ARGOCD_BINARY_NAME: "argocd-repo-server" },
  );
  p.start(
    "argocd-application-controller",
    bins.argocd,
    [
      "--repo-server",
      repoServer,
      "--repo-server-plaintext",
      "--redis",
      redisAddress,
      "--metrics-port",
      String(ctrlMetrics),
      "--app-resync",
      String(POLL_SECONDS),
      "--app-resync-jitter",
      "0",
      "--namespace",
      ARGOCD_NAMESPACE,
      "--loglevel",
      "info",
    ],
    { ...common, ARGOCD_BINARY_NAME: "argocd-application-controller" },
  );
  p.start(
    "argocd-server",
    bins.argocd,
    [
      "--insecure",
      "--address",
      "127.0.0.1",
      "--port",
      String(serverPort),
      "--metrics-address",
      "127.0.0.1",
      "--metrics-port",
      String(serverMetrics),
      "--repo-server",
      repoServer,
      "--repo-server-plaintext",
      "--redis",
      redisAddress,
      "--namespace",
      ARGOCD_NAMESPACE,
      "--dex-server",
      "http://127.0.0.1:1",
      "--loglevel",
      "info",
    ],
    { ...common, ARGOCD_BINARY_NAME: "argocd-server" },
  );

  const url = `http://127.0.0.1:${serverPort}`;
  await waitFor(
    "argocd-server /healthz",
    async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
    90_000,
    500,
  );
  await waitFor(
    "argocd-repo-server metrics",
    async () => ((await fetch(`http://127.0.0.1:${repoMetrics}/metrics`)).ok ? true : undefined),
    60_000,
    500,
  );
  await waitFor(
    "argocd-application-controller metrics",
    async () => ((await fetch(`http://127.0.0.1:${ctrlMetrics}/metrics`)).ok ? true : undefined),
    60_000,
    500,
  );
  const login = await fetch(`${url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password }),
  });
  if (!login.ok) throw new Error(`argocd log-in failed: ${login.status} ${await login.text()}`);
  const token = ((await login.json()) as { token: string }).token;
  const api: ArgoCd["api"] = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, json };
  };
  return { url, token, api };
}
