import type { Environment } from "../../environment/schema.ts";
import { APP_UID, migration as names } from "../names.ts";
import { dnsEgress, toDatabase } from "../network.ts";
import { syncWave } from "../sync-waves.ts";
import { imageLintIgnores, lintIgnores, workload } from "../workload.ts";
import { backendRuntime } from "./backend.ts";

const COMPONENT = "migration";

/**
 * The schema migration, run once per sync by Argo CD as a Sync hook between the database
 * (wave -2) and the Deployments (wave 0), so that replicas never race to migrate. Same image and
 * configuration as the backend. Not PreSync: PreSync runs before anything of the sync is
 * applied, so on a fresh minikube the in-cluster database would not exist yet. Every full sync
 * runs it again: migrations must stay idempotent and quick.
 */
export function migration(env: Environment) {
  const runtime = backendRuntime(env);
  return workload(env, {
    app: names.name,
    component: COMPONENT,
    uid: APP_UID,
    controller: { kind: "Job", backoffLimit: 3, activeDeadlineSeconds: 600 },
    annotations: {
      "argocd.argoproj.io/hook": "Sync",
      // Replaced at the next sync; a failed run stays for `kubectl logs` until then.
      "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
      ...syncWave("migration"),
      // The backend's image, so the backend's reasons (beside imageLintIgnores).
      ...lintIgnores(...imageLintIgnores(env)),
    },
    volumes: runtime.volumes,
    containers: [{ name: COMPONENT, ...runtime.container, command: [...names.command] }],
    policy: { ingress: [], egress: [dnsEgress, toDatabase(env)] },
  });
}
