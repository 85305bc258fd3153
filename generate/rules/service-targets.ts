import { selects, templateOf, workloadsOf } from "./pods.ts";
import { findings, type EnvironmentRule } from "./rule.ts";

export const serviceTargets: EnvironmentRule = {
  id: "service-targets",
  scope: "environment",
  description:
    "Every Service selects a rendered pod template, and each targetPort is a port of a container it selects.",
  reads: ["Service", "Deployment", "StatefulSet", "Job"],
  check(objects) {
    const { problems, add } = findings(serviceTargets);
    const workloads = workloadsOf(objects);
    for (const service of objects.filter((o) => o.kind === "Service")) {
      const spec = service.spec as {
        selector?: Record<string, string>;
        ports?: { port: number; targetPort?: number | string }[];
      };
      const backends = workloads.filter((w) =>
        selects(spec.selector, templateOf(w)?.metadata?.labels),
      );
      if (backends.length === 0) {
        add(
          service,
          "spec.selector",
          `(${JSON.stringify(spec.selector ?? {})}) selects no rendered pod template`,
        );
        continue;
      }
      (spec.ports ?? []).forEach((port, j) => {
        const target = port.targetPort ?? port.port;
        const found = backends.some((w) =>
          (templateOf(w)?.spec?.containers ?? []).some((c) =>
            (c.ports ?? []).some((p) => p.containerPort === target || p.name === target),
          ),
        );
        if (!found)
          add(
            service,
            `spec.ports[${j}].targetPort`,
            `(${target}) is not a port of any container it selects`,
          );
      });
    }
    return problems;
  },
};
