/**
 * Argo CD applies a sync wave by wave and waits for each wave to be healthy before the next. An
 * object that needs an object of a later wave can never become healthy (a StatefulSet whose
 * ServiceAccount comes later: `FailedCreate ... serviceaccount not found`), so the sync waits
 * forever. This rule derives each object's dependencies from the objects themselves and refuses
 * any that points to a later wave (or a later phase: PreSync, Sync, PostSync).
 *
 * Dependencies: the Namespace; a pod's ServiceAccount, ConfigMaps, Secrets (a rendered Secret, or
 * the ExternalSecret whose target it is) and volume claims; the Services a pod reaches (its
 * NetworkPolicies' egress to pods of this namespace, and the Services that select those pods); a
 * StatefulSet's governing Service; a route's backend Services, TLS Secrets and parent Gateway. Secrets the
 * environment provides by its own means exist before any sync and are no dependency.
 */
import type { KubeObject } from "../types.ts";
import { SYNC_WAVE } from "../types.ts";
import { selects, templateOf as template } from "./pods.ts";
import { backendRefs, certificateRefs, parentRefs } from "./routes.ts";
import { annotations, describe, type EnvironmentRule, type Problem } from "./rule.ts";

const PHASES = ["PreSync", "Sync", "PostSync"] as const;

/** Where an object runs in a sync: its phase (a hook's own, else Sync) and its wave. */
export function syncPosition(o: KubeObject): { phase: number; wave: number } {
  const a = annotations(o);
  const hook = a["argocd.argoproj.io/hook"]?.split(",")[0]?.trim();
  const phase = PHASES.indexOf((hook ?? "Sync") as (typeof PHASES)[number]);
  return { phase: phase === -1 ? 1 : phase, wave: Number.parseInt(a[SYNC_WAVE] ?? "0", 10) || 0 };
}

const later = (a: ReturnType<typeof syncPosition>, b: ReturnType<typeof syncPosition>) =>
  a.phase > b.phase || (a.phase === b.phase && a.wave > b.wave);

const label = (p: ReturnType<typeof syncPosition>) => `${PHASES[p.phase]} wave ${p.wave}`;

type Labels = Record<string, string>;

/** A dependency: the object needed, and the field of the dependent that names it. */
interface Need {
  kind: string;
  name: string;
  field: string;
}

type Spec = NonNullable<NonNullable<ReturnType<typeof template>>["spec"]>;
const AT = "spec.template.spec";

/** The ConfigMaps and Secrets a pod's containers read through env and envFrom. */
function envNeeds(spec: Spec): Need[] {
  const needs: Need[] = [];
  for (const group of ["containers", "initContainers"] as const)
    (spec[group] ?? []).forEach((c, i) => {
      const field = `${AT}.${group}[${i}]`;
      for (const from of c.envFrom ?? []) {
        const cm = from.configMapRef?.name;
        const secret = from.secretRef?.name;
        if (cm) needs.push({ kind: "ConfigMap", name: cm, field: `${field}.envFrom` });
        if (secret) needs.push({ kind: "Secret", name: secret, field: `${field}.envFrom` });
      }
      for (const variable of c.env ?? []) {
        const cm = variable.valueFrom?.configMapKeyRef?.name;
        const secret = variable.valueFrom?.secretKeyRef?.name;
        if (cm) needs.push({ kind: "ConfigMap", name: cm, field: `${field}.env` });
        if (secret) needs.push({ kind: "Secret", name: secret, field: `${field}.env` });
      }
    });
  return needs;
}

/** The Secrets, ConfigMaps and claims a pod mounts. */
function volumeNeeds(spec: Spec): Need[] {
  const needs: Need[] = [];
  (spec.volumes ?? []).forEach((v, i) => {
    const field = `${AT}.volumes[${i}]`;
    const add = (kind: string, name: string | undefined) => {
      if (name) needs.push({ kind, name, field });
    };
    add("Secret", v.secret?.secretName);
    add("ConfigMap", v.configMap?.name);
    add("PersistentVolumeClaim", v.persistentVolumeClaim?.claimName);
    for (const source of v.projected?.sources ?? []) {
      add("Secret", source.secret?.name);
      add("ConfigMap", source.configMap?.name);
    }
  });
  return needs;
}

/**
 * The Services a pod reaches: egress of the NetworkPolicies that select its pods, to pods of this
 * namespace, and the Services selecting those pods.
 */
function reachedServices(podLabels: Labels | undefined, objects: readonly KubeObject[]): Need[] {
  const needs: Need[] = [];
  const labelsOf = (w: KubeObject) => template(w)?.metadata?.labels;
  for (const policy of objects.filter((x) => x.kind === "NetworkPolicy")) {
    const pspec = policy.spec as {
      podSelector?: { matchLabels?: Labels };
      egress?: { to?: { podSelector?: { matchLabels?: Labels }; namespaceSelector?: unknown }[] }[];
    };
    if (!selects(pspec.podSelector?.matchLabels, podLabels)) continue;
    const peers = (pspec.egress ?? []).flatMap((rule) => rule.to ?? []);
    for (const peer of peers.filter((p) => p.namespaceSelector === undefined && p.podSelector)) {
      const targets = objects.filter((w) => selects(peer.podSelector?.matchLabels, labelsOf(w)));
      for (const service of objects.filter((s) => s.kind === "Service")) {
        const sel = (service.spec as { selector?: Labels }).selector;
        if (targets.some((w) => selects(sel, labelsOf(w))))
          needs.push({
            kind: "Service",
            name: service.metadata?.name ?? "",
            field: `(reaches it: NetworkPolicy/${policy.metadata?.name} egress)`,
          });
      }
    }
  }
  return needs;
}

function podNeeds(o: KubeObject, objects: readonly KubeObject[]): Need[] {
  const t = template(o);
  const spec = t?.spec;
  if (spec === undefined) return [];
  const account = spec.serviceAccountName;
  const governing =
    o.kind === "StatefulSet" ? (o.spec as { serviceName?: string }).serviceName : undefined;
  return [
    ...(account
      ? [{ kind: "ServiceAccount", name: account, field: `${AT}.serviceAccountName` }]
      : []),
    ...envNeeds(spec),
    ...volumeNeeds(spec),
    ...reachedServices(t?.metadata?.labels, objects),
    ...(governing ? [{ kind: "Service", name: governing, field: "spec.serviceName" }] : []),
  ];
}

/** A route's backend Services, its certificates and its parent Gateways. */
function routeNeeds(o: KubeObject): Need[] {
  return [
    ...backendRefs(o).map((r) => ({ kind: "Service", name: r.service, field: r.field })),
    ...certificateRefs(o).map((r) => ({ kind: "Secret", name: r.name, field: r.field })),
    ...parentRefs(o).map((r) => ({ kind: "Gateway", name: r.gateway, field: r.field })),
  ];
}

export const waveOrder: EnvironmentRule = {
  id: "wave-order",
  scope: "environment",
  description:
    "An object depends only on objects of its own or an earlier Argo CD sync wave; otherwise the sync waits forever.",
  reads: ["*"],
  check(objects, context) {
    const providers = new Map<string, KubeObject>();
    for (const o of objects) {
      providers.set(`${o.kind}/${o.metadata?.name ?? ""}`, o);
      if (o.kind === "ExternalSecret") {
        const target =
          (o.spec as { target?: { name?: string } }).target?.name ?? o.metadata?.name ?? "";
        providers.set(`Secret/${target}`, o);
      }
    }
    const provided = new Set(context.providedSecrets.map((name) => `Secret/${name}`));
    const namespace = objects.find((o) => o.kind === "Namespace");
    const problems: Problem[] = [];
    for (const o of objects) {
      const needs = [
        ...(namespace !== undefined && o.kind !== "Namespace"
          ? [
              {
                kind: "Namespace",
                name: namespace.metadata?.name ?? "",
                field: "metadata.namespace",
              },
            ]
          : []),
        ...podNeeds(o, objects),
        ...routeNeeds(o),
      ];
      const own = syncPosition(o);
      for (const need of needs) {
        const key = `${need.kind}/${need.name}`;
        if (provided.has(key)) continue;
        const provider = providers.get(key);
        if (provider === undefined) continue; // a missing object is the references rule's finding
        const theirs = syncPosition(provider);
        if (later(theirs, own))
          problems.push({
            rule: waveOrder.id,
            object: describe(o),
            field: need.field,
            message: `needs ${describe(provider)}${describe(provider) === key ? "" : ` (which creates ${key})`}, in is in ${label(theirs)}, after this object's ${label(own)}: Argo CD waits for ${label(own)} to be healthy before it applies ${describe(provider)}, so the sync never finishes`,
          });
      }
    }
    return problems;
  },
};
