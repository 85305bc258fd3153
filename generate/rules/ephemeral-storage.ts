import { parseQuantity } from "../quantity.ts";
import type { Problem } from "./rule.ts";
import { containersOf, templateOf } from "./pods.ts";
import { describe, type EnvironmentRule } from "./rule.ts";

/**
 * Node disk is shared by every pod on the node: logs, writable layers and emptyDirs. A container
 * without an ephemeral-storage limit, or an emptyDir without a size limit, can fill it and get the
 * node's other pods evicted. With limits, the kubelet evicts only the pod that overran.
 */
export const ephemeralStorage: EnvironmentRule = {
  id: "ephemeral-storage",
  scope: "environment",
  description:
    "Every container requests and limits ephemeral-storage, and every emptyDir has a sizeLimit within the pod's limits.",
  reads: ["Deployment", "StatefulSet", "Job"],
  check(objects) {
    const problems: Problem[] = [];
    for (const o of objects) {
      const spec = templateOf(o)?.spec;
      if (spec === undefined) continue;
      const add = (field: string, message: string) =>
        problems.push({ rule: ephemeralStorage.id, object: describe(o), field, message });
      let limits = 0;
      for (const { c, field } of containersOf(spec)) {
        for (const kind of ["requests", "limits"] as const) {
          const value = c.resources?.[kind]?.["ephemeral-storage"];
          if (value === undefined)
            add(
              `${field}.resources.${kind}`,
              "has no ephemeral-storage: the container could fill the node's disk",
            );
          else if (kind === "limits") limits += parseQuantity(String(value)) ?? 0;
        }
      }
      let sizes = 0;
      (spec.volumes ?? []).forEach((v, i) => {
        if (v.emptyDir === undefined) return;
        if (v.emptyDir.sizeLimit === undefined)
          add(
            `spec.template.spec.volumes[${i}].emptyDir.sizeLimit`,
            "missing: an emptyDir without a size limit can fill the node's disk",
          );
        else sizes += parseQuantity(String(v.emptyDir.sizeLimit)) ?? 0;
      });
      if (limits > 0 && sizes > limits)
        add(
          "spec.template.spec.volumes",
          "the emptyDirs' size limits add up to more than the containers' ephemeral-storage limits: the pod would be evicted before a volume is full",
        );
    }
    return problems;
  },
};
