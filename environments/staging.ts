/**
 * Staging: registry images pinned by digest (promoted by CI), secrets from External Secrets
 * Operator, the external database, TLS, and a person syncing from the Argo CD UI.
 */
import type { EnvironmentData } from "../generate/environment/schema.ts";
import { defaults } from "./defaults.ts";

export default {
  ...defaults,
  name: "staging",
  config: { ...defaults.config, environment: "staging" },
  routing: {
    ...defaults.routing,
    host: "todo.staging.example.com",
    annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" },
    tls: { secretName: "todo-staging-tls" },
  },
  secrets: {
    provider: "external-secrets",
    store: { kind: "ClusterSecretStore", name: "todo-secret-store" },
    refreshInterval: "1h",
    remoteKeys: {
      DATABASE_URL: "todo-staging/database-url",
      JWT_SECRET: "todo-staging/jwt-secret",
      OPENAI_API_KEY: "todo-staging/openai-api-key",
    },
  },
  // Placeholder (a documentation range, RFC 5737): the database provider's published addresses.
  database: { mode: "external", port: 5432, cidrs: ["203.0.113.0/24"] },
  // Placeholders: the staging cluster's pod and Service ranges, as its CNI and API server say.
  clusterNetwork: { podCIDRs: ["10.100.0.0/16"], serviceCIDRs: ["10.200.0.0/20"] },
  argocd: {
    ...defaults.argocd,
    // The staging cluster as registered in Argo CD (`argocd cluster add`).
    server: "https://staging.k8s.example.com",
    sync: "manual",
  },
} satisfies EnvironmentData;
