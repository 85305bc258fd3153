import type { Problem } from "./rule.ts";
import { containersOf, templateOf } from "./pods.ts";
import { describe, type EnvironmentRule } from "./rule.ts";

/**
 * When a pod is told to stop, the ingress controller and kube-proxy learn of it at the same moment
 * as the pod: for a moment they still send it requests. A preStop pause keeps it serving until
 * they have moved on; the grace period must cover the pause and the app's own drain.
 */
export const gracefulStop: EnvironmentRule = {
  id: "graceful-stop",
  scope: "environment",
  description:
    "Every Deployment behind a Service pauses in preStop, for less than its termination grace period.",
  reads: ["Deployment", "Service"],
  check(objects) {
    const problems: Problem[] = [];
    const services = objects.filter((s) => s.kind === "Service");
    for (const o of objects.filter((x) => x.kind === "Deployment")) {
      const t = templateOf(o);
      const served = services.some((s) => {
        const sel = (s.spec as { selector?: Record<string, string> }).selector ?? {};
        return (
          Object.keys(sel).length > 0 &&
          Object.entries(sel).every(([k, v]) => t?.metadata?.labels?.[k] === v)
        );
      });
      if (!served) continue;
      const grace = t?.spec?.terminationGracePeriodSeconds ?? 30;
      for (const { c, field } of containersOf(t?.spec)) {
        const pause = c.lifecycle?.preStop?.sleep?.seconds;
        if (pause === undefined)
          problems.push({
            rule: gracefulStop.id,
            object: describe(o),
            field: `${field}.lifecycle.preStop`,
            message:
              "missing: without a pause, requests routed to a stopping pod fail with 502 during rollouts and drains",
          });
        else if (pause >= grace)
          problems.push({
            rule: gracefulStop.id,
            object: describe(o),
            field: "spec.template.spec.terminationGracePeriodSeconds",
            message: `(${grace}) must exceed the preStop pause (${pause}) to leave the app time to drain`,
          });
      }
    }
    return problems;
  },
};
