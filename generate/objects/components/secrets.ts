import { ExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret";
import type { Environment } from "../../environment/schema.ts";
import { labels } from "../labels.ts";
import { APP_SECRET, APP_SECRET_KEYS, DB_SECRET } from "../names.ts";
import { syncWave } from "../sync-waves.ts";

/**
 * Secret `todo-secrets` is never rendered with values: secret values never enter git, not even
 * base64-encoded. With `external-secrets` an ExternalSecret materialises it from the environment's store; with `bootstrap` nothing is
 * rendered and `npm run bootstrap:secrets` creates it in the cluster.
 */
export function secrets(env: Environment) {
  const settings = env.secrets;
  if (settings.provider !== "external-secrets") return [];
  return [
    new ExternalSecret({
      metadata: {
        name: APP_SECRET,
        namespace: env.namespace,
        labels: labels("secrets"),
        annotations: syncWave("setup"),
      },
      spec: {
        refreshInterval: settings.refreshInterval,
        secretStoreRef: { kind: settings.store.kind, name: settings.store.name },
        target: { name: APP_SECRET, creationPolicy: "Owner", deletionPolicy: "Retain" },
        data: APP_SECRET_KEYS.map((key) => ({
          secretKey: key,
          remoteRef: { key: settings.remoteKeys[key] },
        })),
      },
    }),
  ];
}

/**
 * Secrets that the environment provides by its own means rather than by a rendered object:
 * what the validator accepts as references, and what the bootstrap command must create.
 */
export function providedSecrets(env: Environment): string[] {
  const provided: string[] = [];
  if (env.secrets.provider === "bootstrap") provided.push(APP_SECRET);
  if (env.database.mode === "in-cluster") provided.push(DB_SECRET);
  if (env.routing.tls !== undefined) provided.push(env.routing.tls.secretName);
  return provided;
}
