/**
 * Values shared by every environment: the data model's values, as corrected in
 * docs/data-model.md. Environments spread these and override fields; this file is
 * data, not an environment (the loader skips it). Project-wide settings are in generate/project.ts.
 */
import type { EnvironmentData } from "../generate/environment/schema.ts";

const probeTimings = {
  liveness: { initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
  // Up to 2 minutes to start before liveness may restart the container.
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 },
};

export const defaults = {
  namespace: "todo",
  allowMutableImageTags: false,
  config: { logLevel: "INFO", environment: "development", apiVersion: "v1" },
  backend: {
    replicas: 2,
    resources: {
      // Disk: logs and /tmp (an emptyDir of at most 64Mi, see the backend component).
      requests: { cpu: "200m", memory: "256Mi", "ephemeral-storage": "64Mi" },
      limits: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "256Mi" },
    },
    pullPolicy: "IfNotPresent",
    probes: {
      // /livez answers without touching the database; /health is the readiness contract.
      liveness: { path: "/livez", ...probeTimings.liveness },
      readiness: { path: "/health", ...probeTimings.readiness },
      startup: { path: "/livez", ...probeTimings.startup },
    },
  },
  frontend: {
    replicas: 2,
    resources: {
      // Disk: logs, /tmp (64Mi) and Next.js' image cache (128Mi).
      requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "128Mi" },
      limits: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "512Mi" },
    },
    pullPolicy: "IfNotPresent",
    probes: {
      // A light route outside /api: probing / would render the whole page every 5 seconds.
      // No path: a TCP connect. The server is up; /healthz (readiness) says it can serve.
      liveness: { ...probeTimings.liveness },
      readiness: { path: "/healthz", ...probeTimings.readiness },
      startup: { path: "/healthz", ...probeTimings.startup },
    },
  },
  // Gateway API with Envoy Gateway (GatewayClass `eg`), whose proxies run in its own namespace
  // and carry the name and namespace of the Gateway they serve (docs/operations.md).
  routing: {
    kind: "gateway",
    className: "eg",
    host: "todo.local",
    annotations: {},
    proxies: {
      namespace: "envoy-gateway-system",
      podLabels: {
        "gateway.envoyproxy.io/owning-gateway-name": "todo-gateway",
        "gateway.envoyproxy.io/owning-gateway-namespace": "todo",
      },
    },
  },
  // Kubernetes' own defaults (kubeadm, minikube): pods 10.244.0.0/16, Services 10.96.0.0/12.
  clusterNetwork: { podCIDRs: ["10.244.0.0/16"], serviceCIDRs: ["10.96.0.0/12"] },
  // Destination, project and revision default to this cluster, AppProject todo and main.
  argocd: { sync: "manual" },
} as const satisfies Omit<EnvironmentData, "name" | "secrets" | "database">;
