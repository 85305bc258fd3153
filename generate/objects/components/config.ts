import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { Environment } from "../../environment/schema.ts";
import { labels } from "../labels.ts";
import { CONFIG_MAP } from "../names.ts";
import { syncWave } from "../sync-waves.ts";

/** ConfigMap `todo-config`: the backend's non-secret settings (data model 2.2). */
export function config(env: Environment) {
  return [
    new ConfigMap({
      metadata: {
        name: CONFIG_MAP,
        namespace: env.namespace,
        labels: labels("config"),
        annotations: syncWave("setup"),
      },
      data: {
        LOG_LEVEL: env.config.logLevel,
        ENVIRONMENT: env.config.environment,
        API_VERSION: env.config.apiVersion,
      },
    }),
  ];
}
