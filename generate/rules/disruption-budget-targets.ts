import { selects, templateOf, workloadsOf } from "./pods.ts";
import { findings, type EnvironmentRule } from "./rule.ts";

export const disruptionBudgetTargets: EnvironmentRule = {
  id: "disruption-budget-targets",
  scope: "environment",
  description: "Every PodDisruptionBudget selects a rendered pod template.",
  reads: ["PodDisruptionBudget", "Deployment", "StatefulSet"],
  check(objects) {
    const { problems, add } = findings(disruptionBudgetTargets);
    const workloads = workloadsOf(objects);
    for (const o of objects.filter((x) => x.kind === "PodDisruptionBudget")) {
      const selector = (o.spec as { selector?: { matchLabels?: Record<string, string> } }).selector
        ?.matchLabels;
      if (!workloads.some((w) => selects(selector, templateOf(w)?.metadata?.labels)))
        add(o, "spec.selector", "selects no rendered pod template");
    }
    return problems;
  },
};
