/**
 * Staging: registry images pinned by digest (promoted by CI), secrets from External Secrets
 * Operator, the external database, TLS, and a person syncing from the Argo CD UI.
 */
import type { EnvironmentData } from "../generate/environment.ts";
import { defaults } from "./defaults.ts";

export default {
  ...defaults,
  name: "staging",
  config: { ...defaults.config, environment: "staging" },
  ingress: {
    ...defaults.ingress,
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
  database: { mode: "external", port: 5432 },
  argocd: {
    ...defaults.argocd,
    // The staging cluster as registered in Argo CD (`argocd cluster add`).
    server: "https://staging.k8s.example.com",
    sync: "manual",
  },
} satisfies EnvironmentData;
