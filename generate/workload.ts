/**
 * Building blocks every workload shares, so that backend, frontend and database look alike and
 * are hardened the same way: Pod Security Standards "restricted", no service-account token,
 * read-only root filesystem, replicas spread across nodes.
 */
import type { IIoK8sApiCoreV1Container as Container } from "kubernetes-models/v1/Container";
import type { IIoK8sApiCoreV1PodSpec as PodSpec } from "kubernetes-models/v1/PodSpec";
import type { IIoK8sApiCoreV1Probe as Probe } from "kubernetes-models/v1/Probe";
import type { IIoK8sApiCoreV1SecurityContext as SecurityContext } from "kubernetes-models/v1/SecurityContext";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { Environment } from "./environment.ts";
import { labels, selector } from "./labels.ts";
import { syncWave } from "./sync-waves.ts";

type ProbeSettings = Environment["backend"]["probes"]["liveness"];

/** An HTTP probe on a container port, with the environment's path and timings. */
export function httpProbe(settings: ProbeSettings, port: number): Probe {
  const { path, ...timings } = settings;
  return { httpGet: { path, port }, ...timings };
}

/** Container settings that satisfy the "restricted" profile. */
export const containerSecurityContext: SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

/** A writable emptyDir mounted at each path: what the app writes with a read-only root. */
export function scratchVolumes(paths: Record<string, string>): {
  volumes: NonNullable<PodSpec["volumes"]>;
  volumeMounts: NonNullable<Container["volumeMounts"]>;
} {
  const entries = Object.entries(paths);
  return {
    volumes: entries.map(([name]) => ({ name, emptyDir: {} })),
    volumeMounts: entries.map(([name, mountPath]) => ({ name, mountPath })),
  };
}

/**
 * A hardened pod spec: numeric non-root user, RuntimeDefault seccomp, no token, and a soft
 * spread across nodes (ScheduleAnyway, so a single-node cluster still schedules every replica).
 */
export function hardenedPodSpec(options: {
  app: string;
  uid: number;
  containers: Container[];
  volumes: NonNullable<PodSpec["volumes"]>;
}): PodSpec {
  return {
    serviceAccountName: options.app,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: options.uid,
      runAsGroup: options.uid,
      fsGroup: options.uid,
      seccompProfile: { type: "RuntimeDefault" },
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selector(options.app) },
      },
    ],
    containers: options.containers,
    volumes: options.volumes,
  };
}

/** The workload's own ServiceAccount, with no API token mounted. */
export function serviceAccount(env: Environment, app: string, component: string): ServiceAccount {
  return new ServiceAccount({
    metadata: {
      name: app,
      namespace: env.namespace,
      labels: labels(component),
      annotations: syncWave("setup"),
    },
    automountServiceAccountToken: false,
  });
}

/** A ClusterIP Service with one port named `http` (or the given name). */
export function clusterService(
  env: Environment,
  options: {
    name: string;
    app: string;
    component: string;
    port: number;
    portName?: string;
    headless?: boolean;
  },
): Service {
  return new Service({
    metadata: {
      name: options.name,
      namespace: env.namespace,
      labels: labels(options.component),
      annotations: syncWave("setup"),
    },
    spec: {
      type: "ClusterIP",
      ...(options.headless === true ? { clusterIP: "None" } : {}),
      selector: selector(options.app),
      ports: [
        {
          name: options.portName ?? "http",
          port: options.port,
          targetPort: options.port,
          protocol: "TCP",
        },
      ],
    },
  });
}

/**
 * At most one pod down at a time by voluntary disruption. maxUnavailable (not minAvailable: 2)
 * so that a drain of a 2-replica Deployment always proceeds.
 */
export function disruptionBudget(
  env: Environment,
  app: string,
  component: string,
): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: app, namespace: env.namespace, labels: labels(component) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selector(app) } },
  });
}
