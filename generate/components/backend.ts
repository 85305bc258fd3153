import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import type { Environment } from "../environment.ts";
import { imageReference } from "../environment.ts";
import { labels, podLabels, selector } from "../labels.ts";
import { APP_SECRET, APP_UID, backend as names, CONFIG_MAP, frontend } from "../names.ts";
import {
  appPolicy,
  dnsEgress,
  fromApp,
  fromIngressController,
  toDatabase,
  toInternet,
} from "../network.ts";
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

const COMPONENT = "backend";

/**
 * What every container running the backend image shares (the app and its migration Job): the
 * image, its configuration and secrets, resources, and the hardening with a writable /tmp.
 */
export function backendRuntime(env: Environment) {
  const scratch = scratchVolumes({ tmp: { mountPath: "/tmp", sizeLimit: "64Mi" } });
  return {
    volumes: scratch.volumes,
    container: {
      image: imageReference(env.images.backend),
      imagePullPolicy: env.backend.pullPolicy,
      envFrom: [{ configMapRef: { name: CONFIG_MAP } }, { secretRef: { name: APP_SECRET } }],
      resources: env.backend.resources,
      securityContext: containerSecurityContext,
      volumeMounts: scratch.volumeMounts,
    },
  };
}

/** The FastAPI backend (data model 2.4, 2.5): Deployment, Service, and what keeps them safe. */
export function backend(env: Environment) {
  const settings = env.backend;
  const runtime = backendRuntime(env);
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
            volumes: runtime.volumes,
            containers: [
              {
                name: COMPONENT,
                ...runtime.container,
                ports: [{ containerPort: names.port, name: "http", protocol: "TCP" }],
                startupProbe: httpProbe(settings.probes.startup, names.port),
                livenessProbe: httpProbe(settings.probes.liveness, names.port),
                readinessProbe: httpProbe(settings.probes.readiness, names.port),
                lifecycle: stop.lifecycle,
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
      ingress: [fromIngressController(env, names.port), fromApp(frontend.name, names.port)],
      // HTTPS out for the OpenAI API.
      egress: [dnsEgress, toDatabase(env), toInternet(env, 443)],
    }),
  ];
}
