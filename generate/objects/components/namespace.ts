import { Namespace } from "kubernetes-models/v1/Namespace";
import type { Environment } from "../../environment/schema.ts";
import { labels } from "../labels.ts";
import { defaultDeny } from "../network.ts";
import { syncWave } from "../sync-waves.ts";

/** Argo CD sync options that keep an object when its Application is deleted or it is pruned. */
export const KEEP_ON_DELETE = "Delete=false,Prune=false";

/**
 * The namespace, enforcing the Pod Security Standards "restricted" profile, and the NetworkPolicy
 * that denies all traffic its components do not open themselves.
 *
 * The namespace holds what no rendered object owns and no sync can recreate: the bootstrapped
 * Secrets and the database's volume claim. Deleting an environment's Application (which carries
 * the resources finalizer, so its workloads are cleaned up) must not delete it, nor may pruning.
 */
export function namespace(env: Environment) {
  return [
    new Namespace({
      metadata: {
        name: env.namespace,
        labels: {
          ...labels("namespace"),
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
        },
        annotations: {
          ...syncWave("setup"),
          "argocd.argoproj.io/sync-options": KEEP_ON_DELETE,
        },
      },
    }),
    defaultDeny(env),
  ];
}
