import { isDeepStrictEqual } from "node:util";
import type { Problem } from "./rule.ts";
import { containersOf, templateOf } from "./pods.ts";
import { describe, type EnvironmentRule } from "./rule.ts";

/** The check a probe makes, without its timings. */
const handler = (p: Record<string, unknown> | undefined) =>
  p === undefined
    ? undefined
    : { httpGet: p.httpGet, tcpSocket: p.tcpSocket, exec: p.exec, grpc: p.grpc };

/**
 * Readiness asks "can it serve now?" and takes the pod out of its Service; liveness asks "is it
 * stuck?" and restarts it. The same check for both restarts a pod that is only busy or waiting on
 * a dependency, at the moment it is taken out of rotation anyway.
 */
export const distinctProbes: EnvironmentRule = {
  id: "distinct-probes",
  scope: "environment",
  description: "A container's liveness probe does not make the same check as its readiness probe.",
  reads: ["Deployment", "StatefulSet"],
  check(objects) {
    const problems: Problem[] = [];
    for (const o of objects) {
      for (const { c, field } of containersOf(templateOf(o)?.spec)) {
        const live = handler(c.livenessProbe as Record<string, unknown> | undefined);
        if (
          live !== undefined &&
          isDeepStrictEqual(live, handler(c.readinessProbe as Record<string, unknown> | undefined))
        )
          problems.push({
            rule: distinctProbes.id,
            object: describe(o),
            field: `${field}.livenessProbe`,
            message:
              "makes the same check as readinessProbe: a busy pod would be restarted, not just taken out of its Service",
          });
      }
    }
    return problems;
  },
};
