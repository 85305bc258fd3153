import { Job } from "kubernetes-models/batch/v1/Job";
import type { Environment } from "../environment.ts";
import { labels, podLabels } from "../labels.ts";
import { APP_UID, migration as names } from "../names.ts";
import { appPolicy, dnsEgress, toDatabase } from "../network.ts";
import { syncWave } from "../sync-waves.ts";
import { hardenedPodSpec, imageLintIgnores, lintIgnores, serviceAccount } from "../workload.ts";
import { backendRuntime } from "./backend.ts";

const COMPONENT = "migration";

/**
 * The schema migration, run once per sync by Argo CD as a Sync hook between the database
 * (wave -2) and the Deployments (wave 0), so that replicas never race to migrate. Same image and
 * configuration as the backend. Not PreSync: PreSync runs before anything of the sync is
 * applied, so on a fresh minikube the in-cluster database would not exist yet.
 */
export function migration(env: Environment) {
  const runtime = backendRuntime(env);
  return [
    serviceAccount(env, names.name, COMPONENT),
    new Job({
      metadata: {
        name: names.name,
        namespace: env.namespace,
        labels: labels(COMPONENT),
        annotations: {
          "argocd.argoproj.io/hook": "Sync",
          // Replaced at the next sync; a failed run stays for `kubectl logs` until then.
          "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
          ...syncWave("migration"),
          // The backend's image, so the backend's reasons (beside imageLintIgnores).
          ...lintIgnores(...imageLintIgnores(env)),
        },
      },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels: podLabels(names.name, COMPONENT) },
          spec: {
            ...hardenedPodSpec({
              app: names.name,
              uid: APP_UID,
              volumes: runtime.volumes,
              containers: [{ name: COMPONENT, ...runtime.container, command: [...names.command] }],
            }),
            restartPolicy: "Never",
            topologySpreadConstraints: undefined,
          },
        },
      },
    }),
    appPolicy(env, {
      app: names.name,
      component: COMPONENT,
      ingress: [],
      egress: [dnsEgress, toDatabase(env)],
    }),
  ];
}
