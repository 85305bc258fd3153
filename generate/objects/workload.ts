/**
 * Building blocks every workload shares, so that backend, frontend and database look alike and
 * are hardened the same way: Pod Security Standards "restricted", no service-account token,
 * read-only root filesystem, replicas spread across nodes.
 */
import type { IIoK8sApiCoreV1Container as Container } from "kubernetes-models/v1/Container";
import type { IIoK8sApiCoreV1PodSpec as PodSpec } from "kubernetes-models/v1/PodSpec";
import type { IIoK8sApiCoreV1Probe as Probe } from "kubernetes-models/v1/Probe";
import type { IIoK8sApiCoreV1SecurityContext as SecurityContext } from "kubernetes-models/v1/SecurityContext";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import { type IStatefulSet, StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Job } from "kubernetes-models/batch/v1/Job";
import type { IIoK8sApiNetworkingV1NetworkPolicyEgressRule as EgressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule";
import type { IIoK8sApiNetworkingV1NetworkPolicyIngressRule as IngressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { Environment } from "../environment/schema.ts";
import { labels, podLabels, selector } from "./labels.ts";
import { appPolicy } from "./network.ts";
import type { Validatable } from "../types.ts";
import { syncWave } from "./sync-waves.ts";

type ProbeSettings = Environment["backend"]["probes"]["liveness"];

/**
 * A probe on a container port with the environment's timings: an HTTP GET of `path`, or, without
 * a path, a TCP connect (the process is up and accepting: a liveness check that does not share
 * the readiness endpoint, so an app that is busy or waiting on a dependency is not restarted).
 */
export function containerProbe(settings: ProbeSettings, port: number): Probe {
  const { path, ...timings } = settings;
  return path === undefined
    ? { tcpSocket: { port }, ...timings }
    : { httpGet: { path, port }, ...timings };
}

/** Seconds a pod keeps serving after it is told to stop, until the gateway (or Ingress controller)
 * and kube-proxy have taken it out of their endpoints (they learn of it at the same moment). */
export const PRE_STOP_PAUSE_SECONDS = 5;

/**
 * A rollout or drain without 502s: the preStop pause (a kubelet sleep action: no shell or sleep
 * binary needed in the image) lets traffic move away first; then SIGTERM, and the app finishes
 * its in-flight requests within `drainSeconds`; the grace period covers both, plus a margin.
 */
export function stopSettings(drainSeconds: number): {
  lifecycle: NonNullable<Container["lifecycle"]>;
  terminationGracePeriodSeconds: number;
} {
  return {
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_PAUSE_SECONDS } } },
    terminationGracePeriodSeconds: PRE_STOP_PAUSE_SECONDS + drainSeconds + 5,
  };
}

/**
 * kube-score checks this object does not need, by the check's id (`kube-score/ignore`). Every
 * call site says why in a comment beside it; the README lists them.
 */
export function lintIgnores(...checks: string[]): Record<string, string> {
  return { "kube-score/ignore": [...checks].sort().join(",") };
}

/**
 * The image checks a container of this environment does not need:
 * - `container-image-pull-policy` (wants Always, so that every pod start re-checks the pull
 *   secret): images are pinned by digest (immutable: pulling again fetches the same bytes) or,
 *   on a local cluster (`allowMutableImageTags`), built inside the node, where Always would fail
 *   to pull them, or pinned to a release tag (the dev database).
 * - `container-image-tag` (refuses `latest`): only where `allowMutableImageTags` is set, i.e.
 *   minikube, whose images `minikube image build` makes as `todo-*:latest` inside the node.
 */
export function imageLintIgnores(env: Environment): string[] {
  return [
    "container-image-pull-policy",
    ...(env.allowMutableImageTags ? ["container-image-tag"] : []),
  ];
}

/**
 * `deployment-has-host-podantiaffinity`: replicas are spread across nodes by the pod spec's
 * topologySpreadConstraints (maxSkew 1 per hostname, ScheduleAnyway), which kube-score does not
 * read. A required anti-affinity would leave the second replica Pending on a one-node minikube.
 */
export const SPREAD_BY_TOPOLOGY = "deployment-has-host-podantiaffinity";

/** Container settings that satisfy the "restricted" profile. */
export const containerSecurityContext: SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

/**
 * A writable emptyDir mounted at each path: what the app writes with a read-only root. Each has a
 * size limit (it counts against the container's ephemeral-storage limit): a runaway /tmp gets
 * this pod evicted instead of filling the node's disk under its other pods.
 */
export function scratchVolumes(dirs: Record<string, { mountPath: string; sizeLimit: string }>): {
  volumes: NonNullable<PodSpec["volumes"]>;
  volumeMounts: NonNullable<Container["volumeMounts"]>;
} {
  const entries = Object.entries(dirs);
  return {
    volumes: entries.map(([name, { sizeLimit }]) => ({ name, emptyDir: { sizeLimit } })),
    volumeMounts: entries.map(([name, { mountPath }]) => ({ name, mountPath })),
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
  terminationGracePeriodSeconds?: number;
  /** Spread replicas across nodes (not for a Job's single pod). @default true */
  spread?: boolean;
}): PodSpec {
  const spread = options.spread === false ? [] : [spreadByNode(options.app)];
  return {
    ...(options.terminationGracePeriodSeconds === undefined
      ? {}
      : { terminationGracePeriodSeconds: options.terminationGracePeriodSeconds }),
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
    ...(spread.length > 0 ? { topologySpreadConstraints: spread } : {}),
    containers: options.containers,
    volumes: options.volumes,
  };
}

/** Replicas on different nodes where there are several; ScheduleAnyway, so one node still works. */
const spreadByNode = (app: string) => ({
  maxSkew: 1,
  topologyKey: "kubernetes.io/hostname",
  whenUnsatisfiable: "ScheduleAnyway" as const,
  labelSelector: { matchLabels: selector(app) },
});

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

/** How a component runs its pods: the controller and what only that controller needs. */
export type Controller =
  | { kind: "Deployment"; replicas: number }
  | {
      kind: "StatefulSet";
      serviceName: string;
      volumeClaimTemplates: NonNullable<IStatefulSet["spec"]>["volumeClaimTemplates"];
    }
  | { kind: "Job"; backoffLimit: number; activeDeadlineSeconds: number };

/** Everything that differs between the components that run pods; the rest is shared. */
export interface WorkloadSpec {
  app: string;
  component: string;
  uid: number;
  controller: Controller;
  /** The controller's annotations (sync wave, hook, lint ignores). */
  annotations?: Record<string, string>;
  containers: Container[];
  volumes: NonNullable<PodSpec["volumes"]>;
  /** The preStop pause and grace period (stopSettings), or just a grace period. */
  terminationGracePeriodSeconds?: number;
  /** A ClusterIP Service in front of the pods. */
  service?: { name: string; port: number; portName?: string; headless?: boolean };
  /** At most one pod down by voluntary disruption (Deployments with a Service). */
  disruptionBudget?: boolean;
  /** Which traffic may reach the pods, and where they may connect. */
  policy: { ingress: IngressRule[]; egress: EgressRule[] };
}

/**
 * One shape for every component that runs pods: its ServiceAccount, its controller (Deployment,
 * StatefulSet or Job) with the hardened pod template, its Service and disruption budget when it
 * has them, and its NetworkPolicy.
 */
export function workload(env: Environment, spec: WorkloadSpec): Validatable[] {
  const { app, component } = spec;
  const metadata = {
    name: app,
    namespace: env.namespace,
    labels: labels(component),
    ...(spec.annotations === undefined ? {} : { annotations: spec.annotations }),
  };
  const single = spec.controller.kind === "Job";
  const podSpec = hardenedPodSpec({
    app,
    uid: spec.uid,
    containers: spec.containers,
    volumes: spec.volumes,
    spread: !single,
    ...(spec.terminationGracePeriodSeconds === undefined
      ? {}
      : { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds }),
  });
  const template = {
    metadata: { labels: podLabels(app, component) },
    spec: single ? { ...podSpec, restartPolicy: "Never" as const } : podSpec,
  };
  return [
    serviceAccount(env, app, component),
    controller(metadata, spec.controller, app, template),
    ...(spec.service === undefined
      ? []
      : [clusterService(env, { ...spec.service, app, component })]),
    ...(spec.disruptionBudget === true ? [disruptionBudget(env, app, component)] : []),
    appPolicy(env, { app, component, ...spec.policy }),
  ];
}

function controller(
  metadata: IDeployment["metadata"],
  c: Controller,
  app: string,
  template: IPodTemplateSpec,
): Validatable {
  const matchLabels = { matchLabels: selector(app) };
  switch (c.kind) {
    case "Deployment":
      return new Deployment({
        metadata,
        spec: { replicas: c.replicas, selector: matchLabels, template },
      });
    case "StatefulSet":
      return new StatefulSet({
        metadata,
        spec: {
          replicas: 1,
          // Said outright (it is the default): deleting or scaling down the StatefulSet, or its
          // Application, never deletes the database's volume.
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
          serviceName: c.serviceName,
          selector: matchLabels,
          template,
          volumeClaimTemplates: c.volumeClaimTemplates,
        },
      });
    case "Job":
      return new Job({
        metadata,
        spec: {
          backoffLimit: c.backoffLimit,
          activeDeadlineSeconds: c.activeDeadlineSeconds,
          template,
        },
      });
  }
}

type WorkloadSettings = Environment["backend"];

/**
 * What a Deployment behind the Ingress shares (backend, frontend): replicas and probes from the
 * environment, the graceful stop, an HTTP port behind a Service, a disruption budget, and the
 * lint checks it does not need. The component adds its containers' own parts and its policy.
 */
export function servedBehindRoutes(
  env: Environment,
  settings: WorkloadSettings,
  app: { service: string; port: number; drainSeconds: number },
) {
  const stop = stopSettings(app.drainSeconds);
  return {
    spec: {
      controller: { kind: "Deployment", replicas: settings.replicas } as const,
      // Why each is not needed: beside imageLintIgnores and SPREAD_BY_TOPOLOGY.
      annotations: lintIgnores(...imageLintIgnores(env), SPREAD_BY_TOPOLOGY),
      terminationGracePeriodSeconds: stop.terminationGracePeriodSeconds,
      service: { name: app.service, port: app.port },
      disruptionBudget: true,
    },
    container: {
      ports: [{ containerPort: app.port, name: "http", protocol: "TCP" as const }],
      startupProbe: containerProbe(settings.probes.startup, app.port),
      livenessProbe: containerProbe(settings.probes.liveness, app.port),
      readinessProbe: containerProbe(settings.probes.readiness, app.port),
      lifecycle: stop.lifecycle,
    },
  };
}
