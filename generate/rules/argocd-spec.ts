/**
 * Strict schemas of the Argo CD objects: they list the fields this repository uses, so a typo such
 * as `automated.prunee` or an unknown sync option fails instead of being ignored by Argo CD.
 */
import { z } from "zod";
import { DNS1123_LABEL } from "../types.ts";
import { project } from "../project.ts";
import type { KubeObject } from "../types.ts";
import { findings, type ArgocdRule } from "./rule.ts";
import { schemaFindings } from "./schema.ts";

const server = z
  .string()
  .regex(
    /^https:\/\/[a-z0-9.-]+(:[0-9]+)?(\/\S*)?$/,
    "must be an https:// Kubernetes API server URL",
  );
const destination = z.strictObject({
  server,
  namespace: z.string().regex(DNS1123_LABEL, "must be a namespace name"),
});
const duration = z.string().regex(/^([0-9]+(ms|s|m|h))+$/, "must be a duration such as 5s or 3m");

const syncPolicy = z.strictObject({
  automated: z
    .strictObject({
      enabled: z.boolean(),
      prune: z.boolean(),
      selfHeal: z.boolean(),
      allowEmpty: z.boolean().optional(),
    })
    .optional(),
  syncOptions: z
    .array(
      z.enum([
        "PruneLast=true",
        "CreateNamespace=false",
        "ServerSideApply=true",
        "ApplyOutOfSyncOnly=true",
      ]),
    )
    .optional(),
  retry: z.strictObject({
    limit: z.number().int().min(1).max(20),
    backoff: z.strictObject({ duration, factor: z.number().int().min(1), maxDuration: duration }),
  }),
});

export const applicationSpec = z.strictObject({
  project: z.string().regex(DNS1123_LABEL),
  source: z.strictObject({
    repoURL: z.literal(project.repoURL, { error: `must be this repository (${project.repoURL})` }),
    targetRevision: z.string().min(1),
    path: z
      .string()
      .regex(/^(rendered\/[a-z0-9-]+|argocd)$/, "must be rendered/<env> (or argocd for the root)"),
    // Argo CD rewrites a `directory` that only repeats its defaults (not recursive, no exclude) to
    // nothing; the app-of-apps would then see a changed Application after every sync, forever.
    directory: z
      .strictObject({
        recurse: z
          .literal(false, { error: "must be false: one folder per environment" })
          .optional(),
        exclude: z.string().min(1, "must not be empty").optional(),
      })
      .refine((d) => d.exclude !== undefined, {
        error:
          "must be left out when it only repeats Argo CD's defaults: Argo CD rewrites it to nothing, and the root Application then never settles",
      })
      .optional(),
  }),
  destination,
  syncPolicy,
});

const groupKind = z.strictObject({ group: z.string(), kind: z.string().min(1) });
export const appProjectSpec = z.strictObject({
  description: z.string(),
  sourceRepos: z
    .array(
      z.literal(project.repoURL, { error: `must be this repository only (${project.repoURL})` }),
    )
    .min(1),
  destinations: z.array(destination).min(1),
  clusterResourceWhitelist: z.array(groupKind),
  namespaceResourceWhitelist: z.array(groupKind),
  syncWindows: z
    .array(
      z.strictObject({
        kind: z.enum(["allow", "deny"]),
        schedule: z.string().regex(/^(\S+\s+){4}\S+$/, "must be a five-field cron schedule"),
        duration,
        timeZone: z.string(),
        applications: z.array(z.string().min(1)).min(1),
        manualSync: z.boolean(),
      }),
    )
    .optional(),
});

export type Application = KubeObject & { spec: z.infer<typeof applicationSpec> };
export type AppProject = KubeObject & { spec: z.infer<typeof appProjectSpec> };

const parsed = new WeakMap<readonly KubeObject[], ReturnType<typeof parseAll>>();

/** The Applications and AppProjects whose spec passes the strict schema (parsed once per list). */
export function wellFormed(objects: readonly KubeObject[]) {
  let result = parsed.get(objects);
  if (result === undefined) parsed.set(objects, (result = parseAll(objects)));
  return result;
}

function parseAll(objects: readonly KubeObject[]) {
  const ok = (o: KubeObject) =>
    (o.kind === "Application" ? applicationSpec : appProjectSpec).safeParse(o.spec).success;
  return {
    applications: objects.filter((o) => o.kind === "Application" && ok(o)) as Application[],
    projects: new Map(
      objects
        .filter((o) => o.kind === "AppProject" && ok(o))
        .map((o) => [o.metadata?.name ?? "", o as AppProject]),
    ),
  };
}

export const argocdSpec: ArgocdRule = {
  id: "argocd-spec",
  scope: "argocd",
  description:
    "Applications and AppProjects validate against their OpenAPI schema, live in Argo CD's namespace and use only known fields and values.",
  reads: ["Application", "AppProject"],
  check(objects, context) {
    const { problems, add } = findings(argocdSpec);
    problems.push(...schemaFindings(argocdSpec, context.models ?? [], objects));
    for (const o of objects) {
      if (o.metadata?.namespace !== project.argocdNamespace)
        add(
          o,
          "metadata.namespace",
          `(${o.metadata?.namespace ?? "unset"}) must be Argo CD's namespace (${project.argocdNamespace})`,
        );
      const parsed = (o.kind === "Application" ? applicationSpec : appProjectSpec).safeParse(
        o.spec,
      );
      if (!parsed.success)
        for (const issue of parsed.error.issues)
          add(o, ["spec", ...issue.path.map(String)].join("."), issue.message);
    }
    return problems;
  },
};
