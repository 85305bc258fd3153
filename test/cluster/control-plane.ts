/**
 * A real Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver (strict field validation,
 * the default admission plugins including PodSecurity), kube-controller-manager, kube-scheduler,
 * and kwok as the one node: kwok plays the kubelet, so pods are scheduled, become Ready and Job
 * pods complete, but no container runs (images and probes are not exercised here).
 */
import { join } from "node:path";
import { type ApiServer, startApiServer } from "../../scripts/cluster/api-server.ts";
import { freePort, type Processes, waitFor } from "../../scripts/cluster/processes.ts";
import type { Binaries } from "./build.ts";

export type { ApiServer as ControlPlane, KubectlResult } from "../../scripts/cluster/api-server.ts";
type ControlPlane = ApiServer;

export async function startControlPlane(p: Processes, bins: Binaries): Promise<ApiServer> {
  const { server, token, kubeconfig, kubectl, get, dir } = await startApiServer(p, bins);
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
