import type { ObjectHeader } from "../types.ts";
import { type Application, wellFormed } from "./argocd-spec.ts";
import { findings, type ArgocdRule } from "./rule.ts";

type Folders = Map<string, { file: string; doc: ObjectHeader }[]>;
/** The rendered files by folder, grouped once per file map (not once per Application). */
const byFolder = new WeakMap<ReadonlyMap<string, ObjectHeader>, Folders>();

/**
 * The rendered files under an Application's path. (Only render writes there, and the drift check
 * refuses any file it did not write, so a path holds nothing but one object per file.)
 */
export function argocdSourceFiles(app: Application, files: ReadonlyMap<string, ObjectHeader>) {
  let folders = byFolder.get(files);
  if (folders === undefined) {
    folders = new Map();
    for (const [file, doc] of files) {
      const folder = file.slice(0, file.lastIndexOf("/"));
      const list = folders.get(folder);
      if (list === undefined) folders.set(folder, [{ file, doc }]);
      else list.push({ file, doc });
    }
    byFolder.set(files, folders);
  }
  return folders.get(app.spec.source.path) ?? [];
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
