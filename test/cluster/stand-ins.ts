/**
 * The parts of a real cluster that this machine cannot run, played explicitly and only for status:
 *
 * - the Gateway API implementation (a stand-in, not Envoy Gateway): for the GatewayClasses that
 *   name its controller, it accepts them, programs their Gateways (conditions Accepted and
 *   Programmed, per listener too) and sets each HTTPRoute's status per parent as an
 *   implementation does: Accepted when the parent Gateway and listener exist, ResolvedRefs when
 *   every backend Service exists with the port named, each condition at the route's generation.
 *   Argo CD's health checks for Gateway and HTTPRoute read exactly these;
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

/** The controllerName of the stand-in Gateway API implementation: GatewayClasses that name it are its. */
export const STAND_IN_CONTROLLER = "todo-gitops.test/stand-in-gateway-controller";

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

  private async status(kind: string, o: any, status: unknown) {
    await this.kubectl([
      "patch",
      kind,
      o.metadata.name,
      ...(o.metadata.namespace ? ["-n", o.metadata.namespace] : []),
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status }),
    ]);
  }

  /** Gateway API status, as an implementation sets it (see the file's comment). */
  private async gateways() {
    const now = new Date().toISOString();
    const condition = (o: any, type: string, ok: boolean, reason: string, message = reason) => ({
      type,
      status: ok ? "True" : "False",
      reason: ok ? type : reason,
      message: `${message} (by the test's stand-in controller)`,
      observedGeneration: o.metadata.generation,
      lastTransitionTime: now,
    });
    const current = (o: any, conditions: any[] | undefined) =>
      (conditions ?? []).length > 0 &&
      conditions!.every((c) => c.observedGeneration === o.metadata.generation);
    const classes = new Set<string>();
    for (const gc of await this.list("gatewayclasses.gateway.networking.k8s.io")) {
      if (gc.spec.controllerName !== STAND_IN_CONTROLLER) continue;
      classes.add(gc.metadata.name);
      if (!current(gc, gc.status?.conditions))
        await this.status("gatewayclass", gc, {
          conditions: [condition(gc, "Accepted", true, "Accepted")],
        });
    }
    const gateways = (await this.list("gateways.gateway.networking.k8s.io")).filter((g) =>
      classes.has(g.spec.gatewayClassName),
    );
    for (const gw of gateways) {
      if (current(gw, gw.status?.conditions)) continue;
      await this.status("gateway", gw, {
        conditions: [
          condition(gw, "Accepted", true, "Accepted"),
          condition(gw, "Programmed", true, "Programmed"),
        ],
        listeners: gw.spec.listeners.map((l: any) => ({
          name: l.name,
          attachedRoutes: 0,
          supportedKinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
          conditions: [
            condition(gw, "Accepted", true, "Accepted"),
            condition(gw, "ResolvedRefs", true, "ResolvedRefs"),
            condition(gw, "Programmed", true, "Programmed"),
          ],
        })),
      });
    }
    const services = new Map<string, any>(
      (await this.list("services")).map((svc) => [
        `${svc.metadata.namespace}/${svc.metadata.name}`,
        svc,
      ]),
    );
    for (const route of await this.list("httproutes.gateway.networking.k8s.io")) {
      const ns = route.metadata.namespace;
      const parents = route.status?.parents ?? [];
      if (parents.length > 0 && parents.every((p: any) => current(route, p.conditions))) continue;
      const missing = (route.spec.rules ?? [])
        .flatMap((r: any) => r.backendRefs ?? [])
        .filter((b: any) => {
          const svc = services.get(`${b.namespace ?? ns}/${b.name}`);
          return !svc?.spec.ports.some((p: any) => p.port === b.port);
        })
        .map((b: any) => `${b.name}:${b.port}`);
      const status = (route.spec.parentRefs ?? []).flatMap((ref: any) => {
        const gw = gateways.find(
          (g) => g.metadata.name === ref.name && g.metadata.namespace === (ref.namespace ?? ns),
        );
        if (gw === undefined) return []; // not ours: another implementation's parent
        const listener = gw.spec.listeners.some(
          (l: any) => ref.sectionName === undefined || l.name === ref.sectionName,
        );
        return [
          {
            parentRef: ref,
            controllerName: STAND_IN_CONTROLLER,
            conditions: [
              condition(route, "Accepted", listener, "NoMatchingParent", "no such listener"),
              condition(
                route,
                "ResolvedRefs",
                missing.length === 0,
                "BackendNotFound",
                `backends not found: ${missing.join(", ")}`,
              ),
            ],
          },
        ];
      });
      if (status.length > 0) await this.status("httproute", route, { parents: status });
    }
  }

  async once() {
    try {
      await this.gateways();
    } catch {
      // the Gateway API CRDs are not installed yet
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
