import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { Environment } from "../environment.ts";
import { labels } from "../labels.ts";
import { backend, frontend, INGRESS } from "../names.ts";

/**
 * Ingress `todo-ingress` (data model 2.8, corrected): `/api` to the backend unchanged (no
 * rewrite-target; the backend serves `/api` itself), everything else to the frontend;
 * `ingressClassName` instead of the deprecated annotation; TLS where the environment sets it.
 */
export function ingress(env: Environment) {
  const settings = env.ingress;
  const route = (path: string, service: string, port: number) => ({
    path,
    pathType: "Prefix" as const,
    backend: { service: { name: service, port: { number: port } } },
  });
  const annotations =
    Object.keys(settings.annotations).length > 0 ? settings.annotations : undefined;
  return [
    new Ingress({
      metadata: {
        name: INGRESS,
        namespace: env.namespace,
        labels: labels("ingress"),
        ...(annotations === undefined ? {} : { annotations }),
      },
      spec: {
        ingressClassName: settings.className,
        ...(settings.tls === undefined
          ? {}
          : { tls: [{ hosts: [settings.host], secretName: settings.tls.secretName }] }),
        rules: [
          {
            host: settings.host,
            http: {
              paths: [
                route("/api", backend.service, backend.port),
                route("/", frontend.service, frontend.port),
              ],
            },
          },
        ],
      },
    }),
  ];
}
