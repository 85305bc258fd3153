/**
 * A real Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver (strict field validation,
 * the default admission plugins including PodSecurity), kube-controller-manager, kube-scheduler,
 * and kwok as the one node: kwok plays the kubelet, so pods are scheduled, become Ready and Job
 * pods complete, but no container runs (images and probes are not exercised here).
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import type { Binaries } from "./build.ts";
import { freePort, type Processes, waitFor } from "./processes.ts";

export interface ControlPlane {
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

export async function startControlPlane(p: Processes, bins: Binaries): Promise<ControlPlane> {
  const dir = join(p.runDir, "control-plane");
  mkdirSync(dir, { recursive: true });
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];

  p.start("etcd", bins.etcd, [
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

  p.start("kube-apiserver", bins.kubeApiserver, [
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

  p.start("kube-controller-manager", bins.kubeControllerManager, [
    `--kubeconfig=${kubeconfig}`,
    "--leader-elect=false",
    "--secure-port=0",
    "--use-service-account-credentials=false",
    `--service-account-private-key-file=${join(dir, "sa.key")}`,
    // No node IPAM (kwok's node has its pod range already). The cloud controllers
    // (cloud-node-lifecycle, service-lb-controller) left kube-controller-manager in 1.37, and
    // naming them now stops it at start.
    "--controllers=*,-nodeipam",
    "-v=1",
  ]);
  p.start("kube-scheduler", bins.kubeScheduler, [
    `--kubeconfig=${kubeconfig}`,
    "--leader-elect=false",
    "--secure-port=0",
    "-v=1",
  ]);

  const kubectl: ControlPlane["kubectl"] = (args, options = {}) => {
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
  const get: ControlPlane["get"] = (kind, name, namespace) => {
    const r = kubectl(["get", kind, name, "-o", "json", ...(namespace ? ["-n", namespace] : [])], {
      allowFail: true,
    });
    if (r.status !== 0) {
      if (/NotFound|not found/.test(r.stderr)) return undefined;
      throw new Error(`kubectl get ${kind} ${name}: ${r.stderr}`);
    }
    return JSON.parse(r.stdout);
  };

  await startNode(p, bins, kubeconfig, kubectl);
  return { server, token, kubeconfig, kubectl, get };
}

/**
 * kwok manages one fake node, with its stock stages (node heartbeat, pod ready, Job pods
 * complete, pod deletion) taken from its own Go module at the pinned version.
 */
async function startNode(
  p: Processes,
  bins: Binaries,
  kubeconfig: string,
  kubectl: ControlPlane["kubectl"],
) {
  const stages = bins.kwokStages;
  const port = await freePort();
  p.start("kwok", bins.kwok, [
    `--kubeconfig=${kubeconfig}`,
    "--manage-all-nodes=false",
    "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
    "--manage-nodes-with-label-selector=",
    "--disregard-status-with-annotation-selector=kwok.x-k8s.io/status=custom",
    "--disregard-status-with-label-selector=",
    "--cidr=10.244.0.1/24",
    "--node-ip=10.244.0.1",
    `--server-address=127.0.0.1:${port}`,
    ...stages.flatMap((file) => ["--config", file]),
  ]);
  kubectl(["apply", "-f", "-"], {
    input: JSON.stringify({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: "kwok-node-0",
        annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
        labels: {
          "kubernetes.io/hostname": "kwok-node-0",
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          "node-role.kubernetes.io/agent": "",
          type: "kwok",
        },
      },
      spec: {},
      // kwok's stock capacity has no ephemeral-storage, which every container here requests.
      status: {
        capacity: { cpu: "32", memory: "128Gi", pods: "110", "ephemeral-storage": "100Gi" },
        allocatable: { cpu: "32", memory: "128Gi", pods: "110", "ephemeral-storage": "100Gi" },
      },
    }),
  });
  await waitFor(
    "the kwok node to be Ready",
    () => {
      const r = kubectl(
        [
          "get",
          "node",
          "kwok-node-0",
          "-o",
          "jsonpath={.status.conditions[?(@.type=='Ready')].status}",
        ],
        {
          allowFail: true,
        },
      );
      return r.stdout === "True" ? true : undefined;
    },
    60_000,
    500,
  );
}
