import { selects, templateOf } from "./pods.ts";
import { findings, type EnvironmentRule } from "./rule.ts";

export const selectorMatchesTemplate: EnvironmentRule = {
  id: "selector-matches-template",
  scope: "environment",
  description: "A controller's selector selects its own pod template's labels.",
  reads: ["Deployment", "StatefulSet"],
  check(objects) {
    const { problems, add } = findings(selectorMatchesTemplate);
    for (const o of objects) {
      const template = templateOf(o);
      const selector = (o.spec as { selector?: { matchLabels?: Record<string, string> } })?.selector
        ?.matchLabels;
      if (template === undefined || selector === undefined) continue;
      if (!selects(selector, template.metadata?.labels))
        add(
          o,
          "spec.selector.matchLabels",
          `(${JSON.stringify(selector)}) does not match the pod template's labels`,
        );
    }
    return problems;
  },
};
