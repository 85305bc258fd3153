/**
 * What a route object points at, read the same way by every rule that follows the references:
 * an Ingress's paths and TLS Secrets, a Gateway's listener certificates, an HTTPRoute's backends
 * and parent Gateways. Each reference carries the field it was read from, for the finding.
 */
import type { KubeObject } from "../types.ts";

export interface BackendRef {
  service: string;
  port: { number?: number; name?: string };
  field: string;
}
export interface SecretRef {
  name: string;
  field: string;
}
export interface ParentRef {
  gateway: string;
  namespace?: string;
  sectionName?: string;
  field: string;
}

/** The kinds this module reads. */
export const ROUTE_KINDS = ["Ingress", "Gateway", "HTTPRoute"] as const;

interface IngressSpec {
  tls?: { secretName?: string }[];
  rules?: {
    http?: {
      paths?: {
        backend: { service?: { name: string; port: { number?: number; name?: string } } };
      }[];
    };
  }[];
}
export interface Listener {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  tls?: { mode?: string; certificateRefs?: { group?: string; kind?: string; name: string }[] };
  allowedRoutes?: { namespaces?: { from?: string } };
}
interface GatewaySpec {
  listeners?: Listener[];
}
interface HTTPRouteSpec {
  parentRefs?: {
    group?: string;
    kind?: string;
    name: string;
    namespace?: string;
    sectionName?: string;
  }[];
  hostnames?: string[];
  rules?: {
    backendRefs?: {
      group?: string;
      kind?: string;
      name: string;
      namespace?: string;
      port?: number;
    }[];
  }[];
}

/** The Services an Ingress or HTTPRoute sends requests to, with the port it names. */
export function backendRefs(o: KubeObject): BackendRef[] {
  const refs: BackendRef[] = [];
  if (o.kind === "Ingress") {
    (o.spec as IngressSpec).rules?.forEach((rule, i) =>
      rule.http?.paths?.forEach((path, j) => {
        const service = path.backend.service;
        refs.push({
          service: service?.name ?? "",
          port: service?.port ?? {},
          field: `spec.rules[${i}].http.paths[${j}].backend.service`,
        });
      }),
    );
  }
  if (o.kind === "HTTPRoute") {
    (o.spec as HTTPRouteSpec).rules?.forEach((rule, i) =>
      rule.backendRefs?.forEach((ref, j) => {
        // A backendRef is a core Service unless it names another group or kind.
        const service = (ref.group ?? "") === "" && (ref.kind ?? "Service") === "Service";
        refs.push({
          service: service && ref.namespace === undefined ? ref.name : "",
          port: ref.port === undefined ? {} : { number: ref.port },
          field: `spec.rules[${i}].backendRefs[${j}]`,
        });
      }),
    );
  }
  return refs;
}

/** The TLS certificate Secrets an Ingress or a Gateway's listeners use. */
export function certificateRefs(o: KubeObject): SecretRef[] {
  if (o.kind === "Ingress")
    return ((o.spec as IngressSpec).tls ?? []).flatMap((tls, i) =>
      tls.secretName === undefined
        ? []
        : [{ name: tls.secretName, field: `spec.tls[${i}].secretName` }],
    );
  if (o.kind === "Gateway")
    return ((o.spec as GatewaySpec).listeners ?? []).flatMap((l, i) =>
      (l.tls?.certificateRefs ?? []).map((ref, j) => ({
        name: ref.name,
        field: `spec.listeners[${i}].tls.certificateRefs[${j}]`,
      })),
    );
  return [];
}

/** The Gateways an HTTPRoute attaches to. */
export function parentRefs(o: KubeObject): ParentRef[] {
  if (o.kind !== "HTTPRoute") return [];
  return ((o.spec as HTTPRouteSpec).parentRefs ?? []).map((ref, i) => ({
    gateway: ref.name,
    ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
    ...(ref.sectionName === undefined ? {} : { sectionName: ref.sectionName }),
    field: `spec.parentRefs[${i}]`,
  }));
}

export const listeners = (gateway: KubeObject): Listener[] =>
  (gateway.spec as GatewaySpec).listeners ?? [];
export const hostnames = (route: KubeObject): string[] =>
  (route.spec as HTTPRouteSpec).hostnames ?? [];

/**
 * Whether a route's hostname is served by a listener's (Gateway API's matching: a listener with
 * no hostname takes every host; `*.example.com` takes one or more labels before `example.com`).
 */
export function hostnameMatches(listener: string | undefined, route: string): boolean {
  if (listener === undefined) return true;
  const wildcard = (h: string) => h.startsWith("*.");
  if (!wildcard(listener) && !wildcard(route)) return listener === route;
  if (wildcard(listener) && !wildcard(route)) return route.endsWith(listener.slice(1));
  if (!wildcard(listener) && wildcard(route)) return listener.endsWith(route.slice(1));
  return route.endsWith(listener.slice(1)) || listener.endsWith(route.slice(1));
}
