import { argocdSourceFiles } from "./argocd-source-path.ts";
import { wellFormed } from "./argocd-spec.ts";
import { findings, type ArgocdRule } from "./rule.ts";

export const argocdProject: ArgocdRule = {
  id: "argocd-project",
  scope: "argocd",
  description:
    "Each Application's AppProject is rendered and permits its repository, its destination and every kind in its path.",
  reads: ["Application", "AppProject"],
  check(objects, context) {
    const { problems, add } = findings(argocdProject);
    const { applications, projects } = wellFormed(objects);
    for (const app of applications) {
      const { source, destination: dest } = app.spec;
      const proj = projects.get(app.spec.project);
      if (proj === undefined) {
        add(
          app,
          "spec.project",
          `(${app.spec.project}) is not a rendered AppProject (${[...projects.keys()].join(", ")})`,
        );
        continue;
      }
      if (!proj.spec.sourceRepos.includes(source.repoURL))
        add(app, "spec.source.repoURL", `is not permitted by AppProject ${app.spec.project}`);
      if (
        !proj.spec.destinations.some(
          (d) => d.server === dest.server && d.namespace === dest.namespace,
        )
      )
        add(
          app,
          "spec.destination",
          `(${dest.server}, ${dest.namespace}) is not permitted by AppProject ${app.spec.project}`,
        );
      const allowed = [
        ...proj.spec.clusterResourceWhitelist,
        ...proj.spec.namespaceResourceWhitelist,
      ];
      for (const { file, doc } of argocdSourceFiles(app, context.files)) {
        const group = doc.apiVersion.includes("/") ? doc.apiVersion.split("/")[0] : "";
        if (!allowed.some((gk) => gk.group === group && gk.kind === doc.kind))
          add(
            app,
            "spec.project",
            `AppProject ${proj.metadata?.name ?? ""} does not permit ${doc.kind} (${file})`,
          );
      }
    }
    return problems;
  },
};
