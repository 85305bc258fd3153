/**
 * Invariants of the rendered objects, for every environment: what must hold whatever the values.
 * The committed rendered/ tree is the only snapshot; these tests say why it is right.
 */
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IGateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway";
import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IService } from "kubernetes-models/v1/Service";
import { readFileSync } from "node:fs";
import { BlockList, isIPv6 } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { providedSecrets } from "../generate/objects/components/secrets.ts";
import { buildObjects } from "../generate/pipeline/render.ts";
import type { KubeObject } from "../generate/types.ts";
import { validateObjects } from "../generate/pipeline/validate.ts";
import { ENVIRONMENTS, find, ingressVariant, objectsOf, REPO } from "./helpers.ts";

type Workload = IDeployment | IStatefulSet | IJob;
const workloadsOf = (objects: KubeObject[]) =>
  objects.filter((o) =>
    ["Deployment", "StatefulSet", "Job"].includes(o.kind),
  ) as unknown as Workload[];
const templateOf = (w: Workload) => w.spec?.template as IPodTemplateSpec;
const selects = (
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/**
 * What the routing serves, whichever kind carries it: per host and path, the Service and port
 * requests go to, and the certificate Secret that host is served with over HTTPS.
 */
function servedRoutes(objects: KubeObject[]) {
  const routes: { host: string; path: string; service: string; port?: number }[] = [];
  const tls = new Map<string, string>();
  for (const ing of objects.filter((o) => o.kind === "Ingress") as unknown as IIngress[]) {
    for (const rule of ing.spec?.rules ?? [])
      for (const p of rule.http?.paths ?? [])
        routes.push({
          host: rule.host ?? "*",
          path: p.path ?? "/",
          service: p.backend.service?.name ?? "",
          port: p.backend.service?.port?.number,
        });
    for (const t of ing.spec?.tls ?? [])
      for (const host of t.hosts ?? []) tls.set(host, t.secretName ?? "");
  }
  const gateways = objects.filter((o) => o.kind === "Gateway") as unknown as IGateway[];
  for (const gw of gateways)
    for (const l of gw.spec.listeners)
      if (l.protocol === "HTTPS")
        tls.set(l.hostname ?? "*", l.tls?.certificateRefs?.[0]?.name ?? "");
  for (const route of objects.filter((o) => o.kind === "HTTPRoute") as unknown as IHTTPRoute[])
    for (const host of route.spec.hostnames ?? [])
      for (const rule of route.spec.rules ?? [])
        for (const m of rule.matches ?? [])
          for (const b of rule.backendRefs ?? [])
            routes.push({ host, path: m.path?.value ?? "/", service: b.name, port: b.port });
  return { routes, tls };
}

const VARIANTS = [
  ...ENVIRONMENTS.map((env) => [env.name, env] as const),
  ["staging with an Ingress", ingressVariant()] as const,
];

describe.each(VARIANTS)("environment %s", (_, env) => {
  const objects = objectsOf(env);

  it("every object passes its schema and the cross-object checks", () => {
    expect(
      validateObjects(buildObjects(env), {
        namespace: env.namespace,
        providedSecrets: providedSecrets(env),
      }),
    ).toEqual([]);
  });

  it("every namespaced object lives in the environment's namespace", () => {
    for (const o of objects.filter((x) => x.kind !== "Namespace"))
      expect(o.metadata?.namespace, `${o.kind}/${o.metadata?.name}`).toBe(env.namespace);
  });

  it("the namespace enforces the restricted Pod Security Standard", () => {
    const ns = find<INamespace>(objects, "Namespace", env.namespace);
    expect(ns.metadata?.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("no Secret with values is rendered, and todo-secrets comes from the environment's provider", () => {
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    const external = objects.filter((o) => o.kind === "ExternalSecret");
    if (env.secrets.provider === "external-secrets") {
      expect(external.map((o) => (o.spec as { target: { name: string } }).target.name)).toEqual([
        "todo-secrets",
      ]);
      const keys = (external[0]?.spec as { data: { secretKey: string }[] }).data.map(
        (d) => d.secretKey,
      );
      expect(keys).toEqual(["DATABASE_URL", "JWT_SECRET", "OPENAI_API_KEY"]);
    } else {
      expect(external).toEqual([]);
      expect(providedSecrets(env)).toContain("todo-secrets");
    }
  });

  it("each workload's selector matches its pod labels, and each Service selects a workload port", () => {
    // Jobs get a generated selector; Deployments and StatefulSets carry their own.
    for (const w of workloadsOf(objects).filter((x) => x.kind !== "Job"))
      expect(selects(w.spec?.selector?.matchLabels, templateOf(w).metadata?.labels)).toBe(true);
    for (const svc of objects.filter((o) => o.kind === "Service") as unknown as IService[]) {
      const targets = workloadsOf(objects).filter((w) =>
        selects(svc.spec?.selector, templateOf(w).metadata?.labels),
      );
      expect(targets.length, svc.metadata?.name).toBe(1);
      const ports = templateOf(targets[0]!).spec?.containers.flatMap((c) => c.ports ?? []) ?? [];
      for (const p of svc.spec?.ports ?? [])
        expect(ports.some((cp) => cp.containerPort === p.targetPort)).toBe(true);
    }
  });

  it("the routing sends /api to the backend and / to the frontend, unchanged, on the environment's host", () => {
    const { routes, tls } = servedRoutes(objects);
    expect(new Set(routes.map((r) => r.host))).toEqual(new Set([env.routing.host]));
    for (const r of routes) {
      const svc = find<IService>(objects, "Service", r.service);
      expect(
        svc.spec?.ports?.map((p) => p.port),
        r.path,
      ).toContain(r.port);
    }
    const to = (path: string) => routes.filter((r) => r.path === path).map((r) => r.service);
    expect(to("/api")).toEqual(["todo-backend-svc"]);
    expect(to("/")).toEqual(["todo-frontend-svc"]);
    // No rewrite of any kind: the backend serves /api itself.
    const text = JSON.stringify(objects.filter((o) => ["Ingress", "HTTPRoute"].includes(o.kind)));
    expect(text).not.toMatch(/rewrite|URLRewrite|ingress\.class/);
    expect(tls.get(env.routing.host)).toBe(env.routing.tls?.secretName);
  });

  it("renders the routing the environment chose, and nothing of the other kind", () => {
    const kinds = new Set(objects.map((o) => o.kind));
    const gateway = env.routing.kind === "gateway";
    expect(kinds.has("Gateway") && kinds.has("HTTPRoute")).toBe(gateway);
    expect(kinds.has("Ingress")).toBe(!gateway);
    if (gateway) {
      const gw = find<IGateway>(objects, "Gateway", "todo-gateway");
      expect(gw.spec.gatewayClassName).toBe(env.routing.className);
      // Only this namespace's routes attach to this host's listeners.
      for (const l of gw.spec.listeners) expect(l.allowedRoutes?.namespaces?.from).toBe("Same");
    } else {
      expect(find<IIngress>(objects, "Ingress", "todo-ingress").spec?.ingressClassName).toBe(
        env.routing.className,
      );
    }
  });

  it("with TLS, plain HTTP only redirects to HTTPS", () => {
    if (env.routing.tls === undefined || env.routing.kind !== "gateway") return;
    const routes = objects.filter((o) => o.kind === "HTTPRoute") as unknown as IHTTPRoute[];
    for (const route of routes) {
      const onHttp = route.spec.parentRefs?.some((p) => p.sectionName === "http");
      const redirects = route.spec.rules?.every((r) =>
        r.filters?.some(
          (f) => f.type === "RequestRedirect" && f.requestRedirect?.scheme === "https",
        ),
      );
      expect(
        onHttp ? redirects && (route.spec.rules ?? []).every((r) => !r.backendRefs) : true,
        route.metadata?.name,
      ).toBe(true);
    }
  });

  it("every pod runs hardened: non-root numeric user, no escalation, no capabilities, read-only root, no token", () => {
    for (const w of workloadsOf(objects)) {
      const pod = templateOf(w).spec!;
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(pod.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe(w.metadata?.name);
      for (const c of pod.containers) {
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
        expect(c.securityContext?.capabilities?.drop).toEqual(["ALL"]);
        // Something writable for what the app writes.
        expect(c.volumeMounts?.some((m) => m.mountPath === "/tmp")).toBe(true);
      }
      // Spread, but never left Pending on a single-node cluster.
      for (const t of pod.topologySpreadConstraints ?? [])
        expect(t.whenUnsatisfiable).toBe("ScheduleAnyway");
    }
  });

  it("liveness never checks the database; startup covers slow starts; probe ports are container ports", () => {
    const backend = find<IDeployment>(objects, "Deployment", "todo-backend").spec!.template.spec!
      .containers[0]!;
    expect(backend.livenessProbe?.httpGet?.path).not.toBe(backend.readinessProbe?.httpGet?.path);
    expect(backend.readinessProbe?.httpGet?.path).toBe("/health");
    expect(backend.startupProbe?.httpGet?.path).toBe(backend.livenessProbe?.httpGet?.path);
  });

  it("gives the backend a grace period that covers the pause and the drain it sets, and the drain outlasts a chat", () => {
    const backend = find<IDeployment>(objects, "Deployment", "todo-backend");
    const pod = backend.spec!.template.spec!;
    const c = pod.containers[0]!;
    const drain = Number(c.env?.find((e) => e.name === "GRACEFUL_SHUTDOWN_SECONDS")?.value);
    const pause = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(pause + drain);
    // The backend's own default chat deadline (its config.py): a rollout lets chats finish.
    const config = readFileSync(join(REPO, "images/todo-backend/src/todo_api/config.py"), "utf8");
    const chat = Number(
      /CHAT_DEADLINE_SECONDS: float = Field\(default=([0-9.]+)/.exec(config)?.[1],
    );
    expect(chat).toBeGreaterThan(0);
    expect(drain).toBeGreaterThan(chat);
    // X-Forwarded-For is believed from the cluster's pods (the gateway's proxies) only.
    expect(c.env?.find((e) => e.name === "FORWARDED_ALLOW_IPS")?.value).toBe(
      env.clusterNetwork.podCIDRs.join(","),
    );
  });

  it("the migration Job runs the backend's image and configuration, once, before the Deployments", () => {
    const job = find<IJob>(objects, "Job", "todo-backend-migrate");
    const backend = find<IDeployment>(objects, "Deployment", "todo-backend");
    const container = job.spec!.template.spec!.containers[0]!;
    const backendContainer = backend.spec!.template.spec!.containers[0]!;
    expect(container.image).toBe(backendContainer.image);
    expect(container.envFrom).toEqual(backendContainer.envFrom);
    expect(job.spec?.template.spec?.restartPolicy).toBe("Never");
    expect(job.metadata?.annotations?.["argocd.argoproj.io/hook"]).toBe("Sync");
    const wave = (o: KubeObject | Workload) =>
      Number(
        (o.metadata?.annotations as Record<string, string> | undefined)?.[
          "argocd.argoproj.io/sync-wave"
        ] ?? 0,
      );
    expect(wave(job)).toBeLessThan(wave(backend));
    const prerequisites = objects.filter((o) => ["StatefulSet", "ExternalSecret"].includes(o.kind));
    expect(prerequisites.length).toBeGreaterThan(0);
    for (const p of prerequisites) expect(wave(p)).toBeLessThan(wave(job));
  });

  it("a PodDisruptionBudget never blocks draining a node of any Deployment", () => {
    for (const d of objects.filter((o) => o.kind === "Deployment") as unknown as IDeployment[]) {
      const pdbs = (
        objects.filter((o) => o.kind === "PodDisruptionBudget") as unknown as IPodDisruptionBudget[]
      ).filter((p) => selects(p.spec?.selector?.matchLabels, d.spec?.template.metadata?.labels));
      expect(pdbs.length, d.metadata?.name).toBe(1);
      const replicas = d.spec?.replicas ?? 1;
      const spec = pdbs[0]!.spec!;
      const allowed =
        spec.maxUnavailable !== undefined
          ? Number(spec.maxUnavailable)
          : replicas - Number(spec.minAvailable);
      expect(allowed, d.metadata?.name).toBeGreaterThanOrEqual(1);
    }
  });

  it("the frontend learns the backend's in-cluster URL at run time, never as NEXT_PUBLIC_*", () => {
    const c = find<IDeployment>(objects, "Deployment", "todo-frontend").spec!.template.spec!
      .containers[0]!;
    expect((c.env ?? []).filter((e) => e.name.startsWith("NEXT_PUBLIC_"))).toEqual([]);
    const url = new URL(c.env?.find((e) => e.name === "BACKEND_URL")?.value ?? "");
    const svc = find<IService>(objects, "Service", url.hostname);
    expect(svc.spec?.ports?.map((p) => p.port)).toContain(Number(url.port));
  });

  it("the dev database is rendered exactly when the environment asks for it", () => {
    const statefulSets = objects.filter((o) => o.kind === "StatefulSet");
    expect(statefulSets.length).toBe(env.database.mode === "in-cluster" ? 1 : 0);
  });

  it("ConfigMap todo-config carries the environment's settings", () => {
    expect(find<IConfigMap>(objects, "ConfigMap", "todo-config").data).toEqual({
      LOG_LEVEL: env.config.logLevel,
      ENVIRONMENT: env.config.environment,
      API_VERSION: env.config.apiVersion,
    });
  });

  describe("network policies", () => {
    // A small evaluator of the NetworkPolicy rules the generator uses (pod, namespace and ipBlock
    // peers, TCP/UDP ports): policies are additive, and a pod no policy selects allows all.
    interface PolicyPeer {
      podSelector?: { matchLabels?: Record<string, string> };
      namespaceSelector?: { matchLabels?: Record<string, string> };
      ipBlock?: { cidr: string; except?: string[] };
    }
    interface Rule {
      from?: PolicyPeer[];
      to?: PolicyPeer[];
      ports?: { port?: number | string }[];
    }
    type Peer = { namespace: string; labels: Record<string, string> } | { ip: string };
    const policies = objects.filter(
      (o) => o.kind === "NetworkPolicy",
    ) as unknown as INetworkPolicy[];
    const podLabels = (app: string) =>
      templateOf(workloadsOf(objects).find((w) => w.metadata?.name === app)!).metadata!.labels!;
    const selectsAll = (s?: { matchLabels?: Record<string, string> }) =>
      Object.keys(s?.matchLabels ?? {}).length === 0;

    const peerMatches = (p: PolicyPeer, peer: Peer): boolean => {
      if ("ip" in peer) {
        if (p.ipBlock === undefined) return false;
        const inside = (cidr: string) => {
          const [address = "", bits = "0"] = cidr.split("/");
          const family = isIPv6(address) ? "ipv6" : "ipv4";
          if (family !== (isIPv6(peer.ip) ? "ipv6" : "ipv4")) return false;
          const list = new BlockList();
          list.addSubnet(address, Number(bits), family);
          return list.check(peer.ip, family);
        };
        return inside(p.ipBlock.cidr) && !(p.ipBlock.except ?? []).some(inside);
      }
      if (p.ipBlock !== undefined) return false;
      const namespaceOk =
        p.namespaceSelector === undefined
          ? peer.namespace === env.namespace
          : selectsAll(p.namespaceSelector) ||
            selects(p.namespaceSelector.matchLabels, {
              "kubernetes.io/metadata.name": peer.namespace,
            });
      return (
        namespaceOk &&
        (selectsAll(p.podSelector) || selects(p.podSelector?.matchLabels, peer.labels))
      );
    };
    const ruleAllows = (rule: Rule, peers: PolicyPeer[] | undefined, peer: Peer, port: number) =>
      ((rule.ports ?? []).length === 0 || (rule.ports ?? []).some((p) => p.port === port)) &&
      (peers === undefined || peers.some((p) => peerMatches(p, peer)));
    const allows = (direction: "Ingress" | "Egress", app: string, peer: Peer, port: number) => {
      const applying = policies.filter(
        (p) =>
          (p.spec?.policyTypes ?? []).includes(direction) &&
          (selectsAll(p.spec?.podSelector) ||
            selects(p.spec?.podSelector?.matchLabels, podLabels(app))),
      );
      return (
        applying.length === 0 ||
        applying.some((p) =>
          (
            ((direction === "Ingress" ? p.spec?.ingress : p.spec?.egress) as Rule[] | undefined) ??
            []
          ).some((r) => ruleAllows(r, direction === "Ingress" ? r.from : r.to, peer, port)),
        )
      );
    };
    /** Whether the policies let `from` open a connection to the pods of app `to` on `port`. */
    const allowsIn = (from: Peer, to: string, port: number) => allows("Ingress", to, from, port);
    const allowsOut = (from: string, to: Peer, port: number) => allows("Egress", from, to, port);
    // A pod of the gateway's data plane (or the Ingress controller), as routing.proxies describes it.
    const controller = {
      namespace: env.routing.proxies.namespace,
      labels: { ...env.routing.proxies.podLabels, "app.kubernetes.io/name": "proxy" },
    };
    const otherProxy = {
      namespace: env.routing.proxies.namespace,
      labels: { app: "another-gateway" },
    };
    const pod = (app: string) => ({ namespace: env.namespace, labels: podLabels(app) });
    const dns = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };

    it("lets the gateway's proxies reach both Services' pods, and no other pod of their namespace", () => {
      expect(allowsIn(controller, "todo-frontend", 3000)).toBe(true);
      expect(allowsIn(controller, "todo-backend", 8000)).toBe(true);
      if (Object.keys(env.routing.proxies.podLabels).length > 0) {
        expect(allowsIn(otherProxy, "todo-frontend", 3000)).toBe(false);
        expect(allowsIn(otherProxy, "todo-backend", 8000)).toBe(false);
      }
    });
    it("lets the frontend reach the backend, both ways round", () => {
      expect(allowsOut("todo-frontend", pod("todo-backend"), 8000)).toBe(true);
      expect(allowsIn(pod("todo-frontend"), "todo-backend", 8000)).toBe(true);
    });
    it("lets both resolve names through the cluster DNS", () => {
      expect(allowsOut("todo-frontend", dns, 53)).toBe(true);
      expect(allowsOut("todo-backend", dns, 53)).toBe(true);
    });
    it("lets the backend and the migration reach the database", () => {
      if (env.database.mode === "in-cluster") {
        expect(allowsOut("todo-backend-migrate", pod("todo-db"), 5432)).toBe(true);
        expect(allowsIn(pod("todo-backend-migrate"), "todo-db", 5432)).toBe(true);
        expect(allowsOut("todo-backend", pod("todo-db"), 5432)).toBe(true);
        expect(allowsIn(pod("todo-backend"), "todo-db", 5432)).toBe(true);
      } else {
        expect(allowsOut("todo-backend", { ip: "203.0.113.10" }, env.database.port)).toBe(true);
        expect(allowsOut("todo-backend-migrate", { ip: "203.0.113.10" }, env.database.port)).toBe(
          true,
        );
        // Only the database's addresses, not any address on its port.
        expect(allowsOut("todo-backend", { ip: "198.51.100.7" }, env.database.port)).toBe(false);
      }
    });
    it("lets the backend reach the internet on 443 over IPv4 and IPv6, but no in-cluster address", () => {
      expect(allowsOut("todo-backend", { ip: "162.159.140.245" }, 443)).toBe(true);
      expect(allowsOut("todo-backend", { ip: "2606:4700::6812:1" }, 443)).toBe(true);
      const { podCIDRs, serviceCIDRs } = env.clusterNetwork;
      for (const cidr of [...podCIDRs, ...serviceCIDRs]) {
        const inRange = cidr.replace(/\.0\/\d+$/, ".9").replace(/::\/\d+$/, "::9");
        expect(allowsOut("todo-backend", { ip: inRange }, 443), inRange).toBe(false);
      }
    });
    it("never opens an address block to all addresses without excepting the cluster's ranges", () => {
      const cluster = [...env.clusterNetwork.podCIDRs, ...env.clusterNetwork.serviceCIDRs];
      for (const policy of policies)
        for (const rule of policy.spec?.egress ?? [])
          for (const peer of rule.to ?? []) {
            const block = peer.ipBlock;
            if (block === undefined || !["0.0.0.0/0", "::/0"].includes(block.cidr)) continue;
            const family = (c: string) => c.includes(":") === block.cidr.includes(":");
            expect(block.except ?? [], policy.metadata?.name).toEqual(cluster.filter(family));
          }
    });
    it("denies everything else", () => {
      const stranger = { namespace: "default", labels: { app: "curious" } };
      expect(allowsIn(stranger, "todo-backend", 8000)).toBe(false);
      expect(allowsIn(stranger, "todo-frontend", 3000)).toBe(false);
      expect(allowsIn(controller, "todo-backend", 5432)).toBe(false);
      expect(allowsOut("todo-frontend", { ip: "203.0.113.10" }, 443)).toBe(false);
      if (env.database.mode === "in-cluster") {
        expect(allowsIn(pod("todo-frontend"), "todo-db", 5432)).toBe(false);
        expect(allowsIn(controller, "todo-db", 5432)).toBe(false);
      }
    });
  });
});
