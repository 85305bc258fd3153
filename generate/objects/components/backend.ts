import type { Environment } from "../../environment/schema.ts";
import { imageReference } from "../../environment/images.ts";
import { APP_SECRET, APP_UID, backend as names, CONFIG_MAP, frontend } from "../names.ts";
import { dnsEgress, fromApp, fromProxies, toDatabase, toInternet } from "../network.ts";
import {
  containerSecurityContext,
  scratchVolumes,
  servedBehindRoutes,
  workload,
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
  const runtime = backendRuntime(env);
  const served = servedBehindRoutes(env, env.backend, names);
  return workload(env, {
    app: names.name,
    component: COMPONENT,
    uid: APP_UID,
    ...served.spec,
    volumes: runtime.volumes,
    containers: [
      {
        name: COMPONENT,
        ...runtime.container,
        ...served.container,
        env: [
          // The drain the grace period is computed from, so the two cannot disagree.
          { name: "GRACEFUL_SHUTDOWN_SECONDS", value: String(names.drainSeconds) },
          // X-Forwarded-For is believed only from the gateway's proxies (or the Ingress
          // controller), whose pods have addresses of the cluster's pod range; from anyone
          // else it could be forged.
          { name: "FORWARDED_ALLOW_IPS", value: env.clusterNetwork.podCIDRs.join(",") },
        ],
      },
    ],
    policy: {
      ingress: [fromProxies(env, names.port), fromApp(frontend.name, names.port)],
      // HTTPS out for the OpenAI API.
      egress: [dnsEgress, toDatabase(env), toInternet(env, 443)],
    },
  });
}
