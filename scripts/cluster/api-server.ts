/**
 * etcd and kube-apiserver on 127.0.0.1, and kubectl against them: the part of a control plane
 * that stores and validates objects (strict field validation, the default admission plugins,
 * PodSecurity included). The cluster suite adds the controllers and a node; the applicability
 * check (scripts/apply-check.ts) needs only this.
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { freePort, type Processes, waitFor } from "./processes.ts";

/** The binaries it runs. */
export interface ApiServerBinaries {
  etcd: string;
  kubeApiserver: string;
  kubectl: string;
}

export interface ApiServer {
  server: string;
  token: string;
  kubeconfig: string;
  /** Runs kubectl against this cluster; throws with its output unless `allowFail`. */
  kubectl(args: string[], options?: { input?: string; allowFail?: boolean }): KubectlResult;
  /** `kubectl get -o json`, or undefined when it does not exist. */
  get<T = Record<string, unknown>>(kind: string, name: string, namespace?: string): T | undefined;
}

export interface KubectlResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** GET a path on the API server with the admin token; TLS is the server's own self-signed cert. */
function apiGet(
  server: string,
  token: string,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server}${path}`,
      { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 2000 },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** Starts etcd and kube-apiserver, and waits until the API server is ready. */
export async function startApiServer(
  p: Processes,
  bins: ApiServerBinaries,
  name = "control-plane",
): Promise<ApiServer & { dir: string }> {
  // The cluster suite's logs keep their names (etcd.log, kube-apiserver.log).
  const prefix = name === "control-plane" ? "" : `${name}-`;
  const dir = join(p.runDir, name);
  mkdirSync(dir, { recursive: true });
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];

  p.start(prefix + "etcd", bins.etcd, [
    "--name=default",
    `--data-dir=${join(dir, "etcd")}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
    "--unsafe-no-fsync", // a throw-away test store: durability buys nothing here
    "--log-level=warn",
  ]);
  await waitFor(
    "etcd",
    async () => {
      const res = await fetch(`http://127.0.0.1:${etcdClient}/health`);
      return res.ok ? true : undefined;
    },
    30_000,
  );

  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
  const token = randomBytes(24).toString("hex");
  writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin,"system:masters"\n`, {
    mode: 0o600,
  });
  const server = `https://127.0.0.1:${apiPort}`;

  p.start(prefix + "kube-apiserver", bins.kubeApiserver, [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, "certs")}`, // a self-signed serving certificate for 127.0.0.1
    `--token-auth-file=${join(dir, "tokens.csv")}`,
    "--authorization-mode=RBAC",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${join(dir, "sa.pub")}`,
    `--service-account-signing-key-file=${join(dir, "sa.key")}`,
    "--service-cluster-ip-range=10.96.0.0/16",
    "--endpoint-reconciler-type=none", // no routable advertise address to publish
    "--enable-priority-and-fairness=false",
    "-v=1",
  ]);
  await waitFor(
    "kube-apiserver /readyz",
    async () => ((await apiGet(server, token, "/readyz")).status === 200 ? true : undefined),
    90_000,
  );

  const kubeconfig = join(dir, "admin.kubeconfig");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "test", cluster: { server, "insecure-skip-tls-verify": true } }],
      users: [{ name: "admin", user: { token } }],
      contexts: [{ name: "test", context: { cluster: "test", user: "admin" } }],
      "current-context": "test",
    }),
    { mode: 0o600 },
  );

  const kubectl: ApiServer["kubectl"] = (args, options = {}) => {
    const result = spawnSync(bins.kubectl, args, {
      input: options.input ?? "",
      encoding: "utf8",
      env: { ...process.env, KUBECONFIG: kubeconfig },
      maxBuffer: 64 << 20,
    });
    const out = { status: result.status, stdout: result.stdout, stderr: result.stderr };
    if (!options.allowFail && result.status !== 0)
      throw new Error(
        `kubectl ${args.join(" ")} failed (${result.status}):\n${result.stderr}${result.stdout}`,
      );
    return out;
  };
  const get: ApiServer["get"] = (kind, name, namespace) => {
    const r = kubectl(["get", kind, name, "-o", "json", ...(namespace ? ["-n", namespace] : [])], {
      allowFail: true,
    });
    if (r.status !== 0) {
      if (/NotFound|not found/.test(r.stderr)) return undefined;
      throw new Error(`kubectl get ${kind} ${name}: ${r.stderr}`);
    }
    return JSON.parse(r.stdout);
  };

  return { server, token, kubeconfig, kubectl, get, dir };
}
