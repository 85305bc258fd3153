import type { Environment } from "../../environment/schema.ts";
import { imageReference } from "../../environment/images.ts";
import { APP_UID, backend, BACKEND_URL, frontend as names } from "../names.ts";
import { dnsEgress, fromProxies, toApp } from "../network.ts";
import {
  containerSecurityContext,
  scratchVolumes,
  servedBehindRoutes,
  workload,
} from "../workload.ts";

const COMPONENT = "frontend";

/** The Next.js frontend (data model 2.6, 2.7): Deployment, Service, and what keeps them safe. */
export function frontend(env: Environment) {
  const settings = env.frontend;
  // Next.js writes its cache under .next/cache; everything else is read-only.
  const scratch = scratchVolumes({
    tmp: { mountPath: "/tmp", sizeLimit: "64Mi" },
    "next-cache": { mountPath: "/app/.next/cache", sizeLimit: "128Mi" },
  });
  const served = servedBehindRoutes(env, settings, names);
  return workload(env, {
    app: names.name,
    component: COMPONENT,
    uid: APP_UID,
    ...served.spec,
    volumes: scratch.volumes,
    containers: [
      {
        name: COMPONENT,
        image: imageReference(env.images.frontend),
        imagePullPolicy: settings.pullPolicy,
        ...served.container,
        env: [
          // Read by the frontend server at run time to forward /api when no route is in
          // front; not NEXT_PUBLIC_*, which Next.js freezes into the bundle at build time.
          { name: "BACKEND_URL", value: BACKEND_URL },
          { name: "PORT", value: String(names.port) },
          // The kubelet sets HOSTNAME to the pod name; Next.js binds to it unless told.
          { name: "HOSTNAME", value: "0.0.0.0" },
          { name: "NEXT_TELEMETRY_DISABLED", value: "1" },
        ],
        resources: settings.resources,
        securityContext: containerSecurityContext,
        volumeMounts: scratch.volumeMounts,
      },
    ],
    policy: {
      ingress: [fromProxies(env, names.port)],
      egress: [dnsEgress, toApp(backend.name, backend.port)],
    },
  });
}
