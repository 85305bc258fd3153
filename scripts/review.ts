/**
 * What a reviewer of a pull request needs to know about its rendered change, beyond the diff: each
 * changed field's old and new value, and the risks, in people's words. Pure functions over the
 * base and head commits' files (path -> object), read as data; the pull-request comment
 * (rendered-summary.ts) prints them.
 *
 * Values are shown because nothing rendered is secret (the `no-secret-values` rule refuses a
 * Secret); as a second guard, a value is masked when its object is a Secret or its key looks like
 * a credential.
 */

import { parseQuantity } from "../generate/quantity.ts";

type Json = unknown;
type Files = ReadonlyMap<string, Json>;

interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: Record<string, Json>;
}

/** One risk: its kind, the environment (or `argocd/`), the object, and what will happen. */
export interface Risk {
  kind: "refused" | "pruned" | "image" | "scale" | "resources" | "probes" | "argocd" | "sync";
  group: string;
  object: string;
  message: string;
}

const MAX_VALUE = 80;
const CREDENTIAL =
  /pass(word)?|secret|token|credential|private|api[-_]?key|^key$|dsn|database_url/i;

/** A value as a reviewer reads it: JSON text, abbreviated; masked where it could be a secret. */
export function showValue(value: Json, field: string, kind: string | undefined): string {
  if (value === undefined) return "(none)";
  const leaf =
    field
      .split(/[.[\]]/)
      .filter(Boolean)
      .pop() ?? "";
  if (kind === "Secret" || CREDENTIAL.test(leaf)) return "(masked)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** The value at a field path as changedFields writes it (`a.b[name].c`). */
export function valueAt(object: Json, path: string): Json {
  let at: Json = object;
  for (const [, key, name] of path.matchAll(/([^.[\]]+)|\[([^\]]+)\]/g)) {
    if (at === null || typeof at !== "object") return undefined;
    if (name !== undefined) {
      at = Array.isArray(at)
        ? at.find((item) => (item as { name?: unknown } | null)?.name === name)
        : undefined;
    } else at = (at as Record<string, Json>)[key!];
  }
  return at;
}

/** `Kind/name`, as the comment names objects. */
export const describe = (o: Json) => {
  const object = (o ?? {}) as Obj;
  return `${String(object.kind ?? "?")}/${String(object.metadata?.name ?? "?")}`;
};
const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);
/** `rendered/staging/x.yaml` -> `staging`; `argocd/x.yaml` -> `argocd/`. */
export const groupOf = (path: string) =>
  path.startsWith("rendered/") ? (path.split("/")[1] ?? "") : "argocd/";

/** The Application that syncs `rendered/<env>` in these files, by environment. */
function applications(files: Files): Map<string, Obj> {
  const apps = new Map<string, Obj>();
  for (const [path, o] of files) {
    const app = o as Obj;
    const source = (app.spec?.source as { path?: string } | undefined)?.path ?? "";
    if (path.startsWith("argocd/") && app.kind === "Application" && source.startsWith("rendered/"))
      apps.set(source.slice("rendered/".length), app);
  }
  return apps;
}

function automated(app: Obj | undefined): { on: boolean; prune: boolean; selfHeal: boolean } {
  const a = (app?.spec?.syncPolicy as { automated?: Record<string, unknown> } | undefined)
    ?.automated;
  return {
    on: a !== undefined && a.enabled !== false,
    prune: a?.prune === true,
    selfHeal: a?.selfHeal === true,
  };
}

/** Fields the API server refuses to change in place, by kind (the rest of the object may change). */
function immutableChanges(kind: string, before: Obj, after: Obj): string[] {
  const b = before.spec ?? {};
  const a = after.spec ?? {};
  const changed = (field: string) => !same(b[field], a[field]);
  const fields: Record<string, string[]> = {
    Deployment: ["selector"],
    StatefulSet: ["selector", "volumeClaimTemplates", "serviceName", "podManagementPolicy"],
    DaemonSet: ["selector"],
    Service: ["clusterIP", "clusterIPs", "ipFamilies"],
  };
  if (kind === "PersistentVolumeClaim") return pvcChanges(b, a);
  if (kind === "Job") {
    const hook = (after.metadata?.annotations ?? {})["argocd.argoproj.io/hook"];
    // Argo CD deletes a hook Job and creates it again; any other Job keeps its pod template.
    return hook === undefined && changed("template") ? ["spec.template"] : [];
  }
  return (fields[kind] ?? []).filter(changed).map((f) => `spec.${f}`);
}

/** A claim's spec may only grow its storage request. */
function pvcChanges(b: Record<string, Json>, a: Record<string, Json>): string[] {
  const storage = (s: Record<string, Json>) =>
    (s.resources as { requests?: { storage?: string } } | undefined)?.requests?.storage;
  const rest = (s: Record<string, Json>) => ({ ...s, resources: undefined });
  const out: string[] = [];
  if (!same(rest(b), rest(a))) out.push("spec (other than resources.requests.storage)");
  const [from, to] = [parseQuantity(storage(b) ?? ""), parseQuantity(storage(a) ?? "")];
  if (from !== undefined && to !== undefined && to < from)
    out.push("spec.resources.requests.storage (a decrease)");
  return out;
}

interface Container {
  name?: string;
  image?: string;
  resources?: Json;
  livenessProbe?: Json;
  readinessProbe?: Json;
  startupProbe?: Json;
}
const containersOf = (o: Obj): Container[] => {
  const template = (o.spec?.template ?? {}) as {
    spec?: { containers?: Container[]; initContainers?: Container[] };
  };
  return [...(template.spec?.initContainers ?? []), ...(template.spec?.containers ?? [])];
};

/** Every risk of going from `base` to `head`, in the order a reviewer should read them. */
export function risks(base: Files, head: Files): Risk[] {
  const found: Risk[] = [];
  const headApps = applications(head);
  const baseApps = applications(base);
  for (const path of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const group = groupOf(path);
    const before = base.get(path) as Obj | undefined;
    const after = head.get(path) as Obj | undefined;
    const add = (kind: Risk["kind"], o: Obj, message: string) =>
      found.push({ kind, group, object: describe(o), message });
    if (before !== undefined && after === undefined && path.startsWith("rendered/")) {
      const policy = automated(headApps.get(group) ?? baseApps.get(group));
      add(
        "pruned",
        before,
        policy.on && policy.prune
          ? "deleted from the cluster when this merges (automated sync with prune)"
          : "deleted at the next sync, if the person who syncs leaves Prune on",
      );
    }
    if (before === undefined || after === undefined) continue;
    const kind = after.kind ?? "";
    for (const field of immutableChanges(kind, before, after)) {
      add(
        "refused",
        after,
        `${field} cannot change in place: the API server refuses the update, so the sync fails until the object is replaced (sync option \`Replace=true\`, or delete it and sync)`,
      );
    }
    const old = new Map(containersOf(before).map((c) => [c.name, c]));
    for (const c of containersOf(after)) {
      const was = old.get(c.name);
      if (was === undefined) continue;
      if (was.image !== c.image)
        add("image", after, `container ${c.name}: image ${was.image} -> ${c.image}`);
      if (!same(was.resources, c.resources))
        add(
          "resources",
          after,
          `container ${c.name}: resources ${JSON.stringify(was.resources)} -> ${JSON.stringify(c.resources)}`,
        );
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
        if (!same(was[probe], c[probe]))
          add(
            "probes",
            after,
            `container ${c.name}: ${probe} ${JSON.stringify(was[probe] ?? null)} -> ${JSON.stringify(c[probe] ?? null)}`,
          );
      }
    }
    const [r0, r1] = [before.spec?.replicas, after.spec?.replicas];
    if (r0 !== r1)
      add(
        "scale",
        after,
        `replicas ${String(r0 ?? "(default 1)")} -> ${String(r1 ?? "(default 1)")}`,
      );
  }
  found.push(...argocdRisks(base, head));
  found.push(...onMerge(head));
  return found;
}

/** Sync policy toggled, permissions widened, destinations changed, Applications added or removed. */
function argocdRisks(base: Files, head: Files): Risk[] {
  const out: Risk[] = [];
  const argocd = (files: Files) =>
    new Map(
      [...files]
        .filter(([p]) => p.startsWith("argocd/"))
        .map(([, o]) => [describe(o as Obj), o as Obj]),
    );
  const [b, h] = [argocd(base), argocd(head)];
  const add = (o: string, message: string) =>
    out.push({ kind: "argocd", group: "argocd/", object: o, message });
  for (const [name, o] of h) {
    const was = b.get(name);
    if (was === undefined) {
      if (o.kind === "Application")
        add(name, "a new Application: Argo CD starts managing what it points at");
      continue;
    }
    if (o.kind === "Application") {
      const [p0, p1] = [automated(was), automated(o)];
      for (const key of ["on", "prune", "selfHeal"] as const) {
        if (p0[key] !== p1[key]) {
          const what = key === "on" ? "automated sync" : key;
          add(name, `${what} turned ${p1[key] ? "on" : "off"}`);
        }
      }
      if (!same(was.spec?.destination, o.spec?.destination))
        add(
          name,
          `destination ${JSON.stringify(was.spec?.destination)} -> ${JSON.stringify(o.spec?.destination)}`,
        );
    }
    if (o.kind === "AppProject") {
      for (const field of [
        "sourceRepos",
        "destinations",
        "clusterResourceWhitelist",
        "namespaceResourceWhitelist",
      ]) {
        const before = new Set(((was.spec?.[field] ?? []) as Json[]).map((x) => JSON.stringify(x)));
        const widened = ((o.spec?.[field] ?? []) as Json[])
          .map((x) => JSON.stringify(x))
          .filter((x) => !before.has(x));
        if (widened.length > 0)
          add(name, `permissions widened: spec.${field} gains ${widened.join(", ")}`);
      }
    }
  }
  for (const [name, o] of b) {
    if (!h.has(name) && o.kind === "Application")
      add(
        name,
        "Application removed: Argo CD stops managing its environment (its finalizer deletes what it managed)",
      );
  }
  return out;
}

/** Which environments sync by themselves when this merges, and which wait for a person. */
function onMerge(head: Files): Risk[] {
  return [...applications(head)]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([env, app]) => ({
      kind: "sync" as const,
      group: env,
      object: describe(app),
      message: automated(app).on
        ? "syncs automatically when this merges"
        : "waits for a person to sync it in the Argo CD UI",
    }));
}
