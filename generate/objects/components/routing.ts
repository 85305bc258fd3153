import { Gateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { Environment } from "../../environment/schema.ts";
import { labels } from "../labels.ts";
import { backend, frontend, GATEWAY, HTTPS_REDIRECT, INGRESS, ROUTE } from "../names.ts";

/** The two routes every kind of routing serves: `/api` unchanged to the backend, the rest to the frontend. */
const ROUTES = [
  { path: "/api", service: backend.service, port: backend.port },
  { path: "/", service: frontend.service, port: frontend.port },
] as const;

/**
 * How long a proxy waits for an answer: the chat's own deadline (25 s) must end well inside it,
 * so that the app's 504 with its reason reaches the user rather than the proxy's bare one. Set
 * on the HTTPRoute because Gateway implementations differ by default (Envoy's route default is
 * 15 s); ingress-nginx's default was 60 s, which the Ingress keeps.
 */
export const ROUTE_TIMEOUT = "60s";

/** How requests reach the app: a Gateway and its HTTPRoutes, or the data model's Ingress. */
export function routing(env: Environment) {
  return env.routing.kind === "gateway" ? gateway(env) : ingress(env);
}

function metadata(env: Environment, name: string, annotations: Record<string, string> = {}) {
  return {
    name,
    namespace: env.namespace,
    labels: labels("routing"),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/**
 * Gateway `todo-gateway` and HTTPRoute `todo-route`. The Gateway is the environment's own, in
 * its namespace: the certificate Secret stays beside the listener that uses it (no cross-namespace
 * reference, so no ReferenceGrant), and `allowedRoutes: Same` keeps other namespaces' routes off
 * this host. With TLS, the plain HTTP listener only redirects to HTTPS.
 */
function gateway(env: Environment) {
  const { host, tls, className, annotations } = env.routing;
  const sameNamespace = { namespaces: { from: "Same" as const } };
  const http = {
    name: "http",
    protocol: "HTTP",
    port: 80,
    hostname: host,
    allowedRoutes: sameNamespace,
  };
  const https =
    tls === undefined
      ? undefined
      : {
          name: "https",
          protocol: "HTTPS",
          port: 443,
          hostname: host,
          tls: {
            mode: "Terminate" as const,
            certificateRefs: [{ kind: "Secret", name: tls.secretName }],
          },
          allowedRoutes: sameNamespace,
        };
  const parent = (sectionName: string) => [{ name: GATEWAY, sectionName }];
  const objects: (Gateway | HTTPRoute)[] = [
    new Gateway({
      metadata: metadata(env, GATEWAY, annotations),
      spec: {
        gatewayClassName: className,
        listeners: https === undefined ? [http] : [http, https],
      },
    }),
    new HTTPRoute({
      metadata: metadata(env, ROUTE),
      spec: {
        parentRefs: parent(https === undefined ? "http" : "https"),
        hostnames: [host],
        rules: ROUTES.map((r) => ({
          matches: [{ path: { type: "PathPrefix" as const, value: r.path } }],
          backendRefs: [{ name: r.service, port: r.port }],
          timeouts: { request: ROUTE_TIMEOUT },
        })),
      },
    }),
  ];
  if (https !== undefined) {
    objects.push(
      new HTTPRoute({
        metadata: metadata(env, HTTPS_REDIRECT),
        spec: {
          parentRefs: parent("http"),
          hostnames: [host],
          rules: [
            {
              filters: [
                {
                  type: "RequestRedirect" as const,
                  requestRedirect: { scheme: "https", statusCode: 301 },
                },
              ],
            },
          ],
        },
      }),
    );
  }
  return objects;
}

/**
 * Ingress `todo-ingress` (the data model's, corrected): `/api` to the backend unchanged (no
 * rewrite-target; the backend serves `/api` itself), everything else to the frontend;
 * `ingressClassName` instead of the deprecated annotation; TLS where the environment sets it.
 */
function ingress(env: Environment) {
  const { host, tls, className, annotations } = env.routing;
  return [
    new Ingress({
      metadata: metadata(env, INGRESS, annotations),
      spec: {
        ingressClassName: className,
        ...(tls === undefined ? {} : { tls: [{ hosts: [host], secretName: tls.secretName }] }),
        rules: [
          {
            host,
            http: {
              paths: ROUTES.map((r) => ({
                path: r.path,
                pathType: "Prefix" as const,
                backend: { service: { name: r.service, port: { number: r.port } } },
              })),
            },
          },
        ],
      },
    }),
  ];
}
