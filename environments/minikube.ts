/**
 * A local minikube cluster: images built inside minikube, secrets from the bootstrap command,
 * an in-cluster dev PostgreSQL, and Argo CD syncing every commit on its own.
 */
import type { EnvironmentData } from "../generate/environment/schema.ts";
import { defaults } from "./defaults.ts";

export default {
  ...defaults,
  name: "minikube",
  // `minikube image build` produces todo-backend:latest inside the cluster (data model values).
  allowMutableImageTags: true,
  routing: { ...defaults.routing, host: "todo.local" },
  secrets: { provider: "bootstrap" },
  database: {
    mode: "in-cluster",
    storage: "1Gi",
    resources: {
      // Disk: logs, /tmp and the socket folder; the data itself is on the volume claim.
      requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
      limits: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "256Mi" },
    },
  },
  argocd: { ...defaults.argocd, sync: "automated" },
} satisfies EnvironmentData;
