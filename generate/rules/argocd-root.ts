import { wellFormed } from "./argocd-spec.ts";
import { findings, type ArgocdRule } from "./rule.ts";

export const argocdRoot: ArgocdRule = {
  id: "argocd-root",
  scope: "argocd",
  description: "The app-of-apps over argocd/ excludes its own file, so it never manages itself.",
  reads: ["Application"],
  check(objects) {
    const { problems, add } = findings(argocdRoot);
    for (const app of wellFormed(objects).applications) {
      const { path, directory } = app.spec.source;
      if (
        path === "argocd" &&
        !(directory?.exclude ?? "").includes(`${app.metadata?.name ?? ""}.yaml`)
      )
        add(
          app,
          "spec.source.directory.exclude",
          "the root Application must exclude its own file, or it would manage itself",
        );
    }
    return problems;
  },
};
