import { wellFormed } from "./argocd-spec.ts";
import { findings, type ArgocdRule } from "./rule.ts";

export const argocdDestination: ArgocdRule = {
  id: "argocd-destination",
  scope: "argocd",
  description:
    "Every environment has its Application todo-<env>, deploying to the environment's namespace.",
  reads: ["Application"],
  check(objects, context) {
    const { problems, add } = findings(argocdDestination);
    const apps = new Map(wellFormed(objects).applications.map((a) => [a.metadata?.name ?? "", a]));
    for (const env of context.environments) {
      const name = `Application/todo-${env.name}`;
      const namespace = apps.get(`todo-${env.name}`)?.spec.destination.namespace;
      if (namespace !== env.namespace)
        add(
          name,
          "spec.destination.namespace",
          `(${namespace ?? "unset"}) must be the environment's namespace (${env.namespace})`,
        );
    }
    return problems;
  },
};
