import { containersOf, templateOf } from "./pods.ts";
import { findings, type EnvironmentRule } from "./rule.ts";

export const probePorts: EnvironmentRule = {
  id: "probe-ports",
  scope: "environment",
  description: "Every HTTP or TCP probe targets a port its container declares.",
  reads: ["Deployment", "StatefulSet", "Job"],
  check(objects) {
    const { problems, add } = findings(probePorts);
    for (const o of objects)
      for (const { c, field } of containersOf(templateOf(o)?.spec))
        for (const kind of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
          const probe = c[kind];
          const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
          if (port === undefined) continue;
          if (!(c.ports ?? []).some((p) => p.containerPort === port || p.name === port))
            add(o, `${field}.${kind}`, `port ${port} is not a port of container ${c.name}`);
        }
    return problems;
  },
};
