import type { KubeObject } from "../serialize.ts";
import { type Application, wellFormed } from "./argocd-spec.ts";
import { findings, type ArgocdRule } from "./rule.ts";

/**
 * The rendered files under an Application's path. (Only render writes there, and the drift check
 * refuses any file it did not write, so a path holds nothing but one object per file.)
 */
export function argocdSourceFiles(app: Application, files: ReadonlyMap<string, KubeObject>) {
  const prefix = `${app.spec.source.path}/`;
  return [...files]
    .filter(([file]) => file.startsWith(prefix))
    .map(([file, doc]) => ({ file, doc }));
}

export const argocdSourcePath: ArgocdRule = {
  id: "argocd-source-path",
  scope: "argocd",
  description:
    "Each Application's path holds rendered manifests, all in the Application's destination namespace.",
  reads: ["Application"],
  check(objects, context) {
    const { problems, add } = findings(argocdSourcePath);
    for (const app of wellFormed(objects).applications) {
      const inPath = argocdSourceFiles(app, context.files);
      const dest = app.spec.destination;
      if (inPath.length === 0)
        add(app, "spec.source.path", `(${app.spec.source.path}) holds no rendered manifests`);
      for (const { file, doc } of inPath) {
        const ns = doc.metadata?.namespace;
        if (ns !== undefined && ns !== dest.namespace)
          add(
            app,
            "spec.destination.namespace",
            `(${dest.namespace}) differs from ${file}'s namespace (${ns})`,
          );
      }
    }
    return problems;
  },
};
