import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import type { Environment } from "../environment.ts";
import { imageReference } from "../environment.ts";
import { labels, podLabels, selector } from "../labels.ts";
import { APP_UID, backend, BACKEND_URL, frontend as names } from "../names.ts";
import { appPolicy, dnsEgress, fromIngressController, toApp } from "../network.ts";
import {
  clusterService,
  containerSecurityContext,
  disruptionBudget,
  hardenedPodSpec,
  gracefulStop,
  imageLintIgnores,
  lintIgnores,
  SPREAD_BY_TOPOLOGY,
  httpProbe,
  scratchVolumes,
  serviceAccount,
} from "../workload.ts";

const COMPONENT = "frontend";

/** The Next.js frontend (data model 2.6, 2.7): Deployment, Service, and what keeps them safe. */
export function frontend(env: Environment) {
  const settings = env.frontend;
  // Next.js writes its cache under .next/cache; everything else is read-only.
  const scratch = scratchVolumes({
    tmp: { mountPath: "/tmp", sizeLimit: "64Mi" },
    "next-cache": { mountPath: "/app/.next/cache", sizeLimit: "128Mi" },
  });
  const stop = gracefulStop(names.drainSeconds);
  return [
    serviceAccount(env, names.name, COMPONENT),
    new Deployment({
      metadata: {
        name: names.name,
        namespace: env.namespace,
        labels: labels(COMPONENT),
        // Why each is not needed: beside imageLintIgnores and SPREAD_BY_TOPOLOGY.
        annotations: lintIgnores(...imageLintIgnores(env), SPREAD_BY_TOPOLOGY),
      },
      spec: {
        replicas: settings.replicas,
        selector: { matchLabels: selector(names.name) },
        template: {
          metadata: { labels: podLabels(names.name, COMPONENT) },
          spec: hardenedPodSpec({
            app: names.name,
            uid: APP_UID,
            terminationGracePeriodSeconds: stop.terminationGracePeriodSeconds,
            volumes: scratch.volumes,
            containers: [
              {
                name: COMPONENT,
                image: imageReference(env.images.frontend),
                imagePullPolicy: settings.pullPolicy,
                ports: [{ containerPort: names.port, name: "http", protocol: "TCP" }],
                env: [
                  // Read by the frontend server at run time to forward /api when no Ingress is in
                  // front; not NEXT_PUBLIC_*, which Next.js freezes into the bundle at build time.
                  { name: "BACKEND_URL", value: BACKEND_URL },
                  { name: "PORT", value: String(names.port) },
                  // The kubelet sets HOSTNAME to the pod name; Next.js binds to it unless told.
                  { name: "HOSTNAME", value: "0.0.0.0" },
                  { name: "NEXT_TELEMETRY_DISABLED", value: "1" },
                ],
                resources: settings.resources,
                startupProbe: httpProbe(settings.probes.startup, names.port),
                livenessProbe: httpProbe(settings.probes.liveness, names.port),
                readinessProbe: httpProbe(settings.probes.readiness, names.port),
                lifecycle: stop.lifecycle,
                securityContext: containerSecurityContext,
                volumeMounts: scratch.volumeMounts,
              },
            ],
          }),
        },
      },
    }),
    clusterService(env, {
      name: names.service,
      app: names.name,
      component: COMPONENT,
      port: names.port,
    }),
    disruptionBudget(env, names.name, COMPONENT),
    appPolicy(env, {
      app: names.name,
      component: COMPONENT,
      ingress: [fromIngressController(env, names.port)],
      egress: [dnsEgress, toApp(backend.name, backend.port)],
    }),
  ];
}
