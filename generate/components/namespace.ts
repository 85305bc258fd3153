import { Namespace } from "kubernetes-models/v1/Namespace";
import type { Environment } from "../environment.ts";
import { APP_NAME, PART_OF } from "../names.ts";
import { defaultDeny } from "../network.ts";

/**
 * The namespace, enforcing the Pod Security Standards "restricted" profile, and the NetworkPolicy
 * that denies all traffic its components do not open themselves.
 */
export function namespace(env: Environment) {
  return [
    new Namespace({
      metadata: {
        name: env.namespace,
        labels: {
          "app.kubernetes.io/name": APP_NAME,
          "app.kubernetes.io/part-of": PART_OF,
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    }),
    defaultDeny(env),
  ];
}
