/**
 * The parts of a real cluster that this machine cannot run, played explicitly and only for status:
 *
 * - the ingress controller: gives each Ingress an address in its status (Argo CD reports an
 *   Ingress Progressing until it has one);
 * - the volume provisioner: binds each pending claim to a hostPath volume in the run folder;
 * - External Secrets Operator: for each ExternalSecret, creates its target Secret (random values,
 *   never real ones) and sets the Ready condition, which is what Argo CD's health check reads.
 *
 * Everything else (scheduling, Job completion, the StatefulSet and Deployment controllers, pruning,
 * Argo CD itself) is the real component.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Binaries } from "./build.ts";
import type { ControlPlane } from "./control-plane.ts";

const run = promisify(execFile);

export class StandIns {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly bins: Binaries;
  private readonly cluster: ControlPlane;
  private readonly runDir: string;
  constructor(bins: Binaries, cluster: ControlPlane, runDir: string) {
    this.bins = bins;
    this.cluster = cluster;
    this.runDir = runDir;
  }

  private async kubectl(args: string[], input?: string) {
    const child = run(this.bins.kubectl, args, {
      env: { ...process.env, KUBECONFIG: this.cluster.kubeconfig },
      maxBuffer: 32 << 20,
    });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return (await child).stdout;
  }

  private async list(kind: string): Promise<any[]> {
    return JSON.parse(await this.kubectl(["get", kind, "-A", "-o", "json"])).items;
  }

  start(intervalMs = 500) {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.once()
        .catch(() => undefined) // a kind that is not installed yet, a race with a deletion
        .finally(() => (this.busy = false));
    }, intervalMs);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  async once() {
    for (const ing of await this.list("ingresses.networking.k8s.io")) {
      if ((ing.status?.loadBalancer?.ingress ?? []).length > 0) continue;
      await this.kubectl([
        "patch",
        "ingress",
        ing.metadata.name,
        "-n",
        ing.metadata.namespace,
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: "127.0.0.1" }] } } }),
      ]);
    }
    for (const pvc of await this.list("persistentvolumeclaims")) {
      if (pvc.status?.phase !== "Pending" || pvc.spec.volumeName) continue;
      const name = `pv-${pvc.metadata.namespace}-${pvc.metadata.name}`;
      const path = join(this.runDir, "volumes", name);
      mkdirSync(path, { recursive: true });
      await this.kubectl(
        ["apply", "-f", "-"],
        JSON.stringify({
          apiVersion: "v1",
          kind: "PersistentVolume",
          metadata: { name },
          spec: {
            capacity: { storage: pvc.spec.resources.requests.storage },
            accessModes: pvc.spec.accessModes,
            storageClassName: pvc.spec.storageClassName ?? "",
            persistentVolumeReclaimPolicy: "Retain",
            hostPath: { path },
            claimRef: { namespace: pvc.metadata.namespace, name: pvc.metadata.name },
          },
        }),
      );
    }
    let externalSecrets: any[] = [];
    try {
      externalSecrets = await this.list("externalsecrets.external-secrets.io");
    } catch {
      return;
    }
    for (const es of externalSecrets) {
      const ready = (es.status?.conditions ?? []).some(
        (c: any) => c.type === "Ready" && c.status === "True",
      );
      if (ready) continue;
      const target = es.spec.target?.name ?? es.metadata.name;
      const data = Object.fromEntries(
        (es.spec.data ?? []).map((d: any) => [d.secretKey, randomBytes(18).toString("base64url")]),
      );
      await this.kubectl(
        ["apply", "-f", "-"],
        JSON.stringify({
          apiVersion: "v1",
          kind: "Secret",
          metadata: {
            name: target,
            namespace: es.metadata.namespace,
            ownerReferences: [
              {
                apiVersion: es.apiVersion,
                kind: es.kind,
                name: es.metadata.name,
                uid: es.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          stringData: data,
        }),
      );
      await this.kubectl([
        "patch",
        "externalsecret",
        es.metadata.name,
        "-n",
        es.metadata.namespace,
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({
          status: {
            binding: { name: target },
            refreshTime: new Date().toISOString(),
            conditions: [
              {
                type: "Ready",
                status: "True",
                reason: "SecretSynced",
                message: "Secret was synced (by the test's stand-in)",
                lastTransitionTime: new Date().toISOString(),
              },
            ],
          },
        }),
      ]);
    }
  }
}
