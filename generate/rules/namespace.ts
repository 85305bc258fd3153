import { CLUSTER_SCOPED_KINDS } from "../types.ts";
import { findings, type EnvironmentRule } from "./rule.ts";

export const namespace: EnvironmentRule = {
  id: "namespace",
  scope: "environment",
  description:
    "Namespaced objects are in the environment's namespace; cluster-scoped ones have none.",
  reads: ["*"],
  check(objects, context) {
    const { problems, add } = findings(namespace);
    for (const o of objects) {
      const ns = o.metadata?.namespace;
      if (CLUSTER_SCOPED_KINDS.has(o.kind)) {
        if (ns !== undefined)
          add(o, "metadata.namespace", "must not be set on a cluster-scoped object");
      } else if (ns !== context.namespace) {
        add(
          o,
          "metadata.namespace",
          `(${ns ?? "unset"}) must be the environment's namespace (${context.namespace})`,
        );
      }
    }
    return problems;
  },
};
