/**
 * Checks of the Argo CD objects that their models' `validate()` misses. The schemas below are
 * strict: they list the fields this repository uses, so a typo such as `automated.prunee` or an
 * unknown destination fails instead of being ignored by Argo CD. The cross-checks make sure each
 * Application can actually sync: its path holds rendered manifests and nothing Argo CD would
 * misread, and its project exists and permits its source and destination.
 */
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { project } from "./project.ts";
import { DNS1123_LABEL } from "./environment.ts";
import type { KubeObject } from "./serialize.ts";
import type { Problem } from "./validate.ts";

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

const applicationSpec = z.strictObject({
  project: z.string().regex(DNS1123_LABEL),
  source: z.strictObject({
    repoURL: z.literal(project.repoURL, { error: `must be this repository (${project.repoURL})` }),
    targetRevision: z.string().min(1),
    path: z
      .string()
      .regex(/^(rendered\/[a-z0-9-]+|argocd)$/, "must be rendered/<env> (or argocd for the root)"),
    directory: z.strictObject({
      recurse: z.literal(false, { error: "must be false: one folder per environment" }),
      exclude: z.string().optional(),
    }),
  }),
  destination,
  syncPolicy,
});

const groupKind = z.strictObject({ group: z.string(), kind: z.string().min(1) });
const appProjectSpec = z.strictObject({
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

const APPLICATION_FILE = /^[a-z0-9-]+\.yaml$/;
/** Files Argo CD treats as something other than plain manifests when it finds them in a path. */
const TOOL_FILES =
  /(^|\/)(kustomization\.ya?ml|Kustomization|Chart\.yaml|values\.yaml|.*\.jsonnet|.*\.libsonnet)$/;

/** The one Kubernetes object a YAML text holds, or null when it holds anything else. */
export function manifestOf(text: string): Partial<KubeObject> | null {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1 || (docs[0]?.errors.length ?? 1) > 0) return null;
  const value: unknown = docs[0]?.toJS();
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Partial<KubeObject>)
    : null;
}

type Application = KubeObject & { spec: z.infer<typeof applicationSpec> };
type AppProject = KubeObject & { spec: z.infer<typeof appProjectSpec> };

/**
 * Problems with the Argo CD objects, given every rendered file: path -> the object it holds, or
 * null for a file that does not hold exactly one Kubernetes object.
 */
export function validateArgocd(
  objects: readonly KubeObject[],
  files: ReadonlyMap<string, Partial<KubeObject> | null>,
): Problem[] {
  const problems: Problem[] = [];
  const describe = (o: KubeObject) => `${o.kind}/${o.metadata?.name ?? ""}`;
  const projects = new Map<string, AppProject>();
  const applications: Application[] = [];

  for (const o of objects) {
    if (o.metadata?.namespace !== project.argocdNamespace) {
      problems.push({
        object: describe(o),
        field: "metadata.namespace",
        message: `(${o.metadata?.namespace ?? "unset"}) must be Argo CD's namespace (${project.argocdNamespace})`,
      });
    }
    const schema = o.kind === "Application" ? applicationSpec : appProjectSpec;
    const parsed = schema.safeParse(o.spec);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({
          object: describe(o),
          field: ["spec", ...issue.path.map(String)].join("."),
          message: issue.message,
        });
      }
      continue;
    }
    if (o.kind === "Application") applications.push(o as Application);
    else projects.set(o.metadata?.name ?? "", o as AppProject);
  }

  for (const app of applications) {
    const at = describe(app);
    const { source, destination: dest } = app.spec;
    const proj = projects.get(app.spec.project);
    if (proj === undefined) {
      problems.push({
        object: at,
        field: "spec.project",
        message: `(${app.spec.project}) is not a rendered AppProject (${[...projects.keys()].join(", ")})`,
      });
    } else {
      if (!proj.spec.sourceRepos.includes(source.repoURL)) {
        problems.push({
          object: at,
          field: "spec.source.repoURL",
          message: `is not permitted by AppProject ${app.spec.project}`,
        });
      }
      if (
        !proj.spec.destinations.some(
          (d) => d.server === dest.server && d.namespace === dest.namespace,
        )
      ) {
        problems.push({
          object: at,
          field: "spec.destination",
          message: `(${dest.server}, ${dest.namespace}) is not permitted by AppProject ${app.spec.project}`,
        });
      }
    }
    const prefix = `${source.path}/`;
    const inPath = [...files.keys()].filter((f) => f.startsWith(prefix));
    if (inPath.length === 0) {
      problems.push({
        object: at,
        field: "spec.source.path",
        message: `(${source.path}) holds no rendered manifests`,
      });
    }
    for (const file of inPath) {
      const rest = file.slice(prefix.length);
      if (rest.includes("/")) {
        problems.push({
          object: at,
          field: "spec.source.path",
          message: `${file}: sub-folders are not synced (recurse is false)`,
        });
      } else if (TOOL_FILES.test(rest) || !APPLICATION_FILE.test(rest)) {
        problems.push({
          object: at,
          field: "spec.source.path",
          message: `${file}: Argo CD would read this as something other than a plain manifest`,
        });
      } else {
        const doc = files.get(file) ?? null;
        if (doc === null || typeof doc?.apiVersion !== "string" || typeof doc.kind !== "string") {
          problems.push({
            object: at,
            field: "spec.source.path",
            message: `${file}: must hold exactly one Kubernetes object`,
          });
        } else {
          if (doc.metadata?.namespace !== undefined && doc.metadata.namespace !== dest.namespace) {
            problems.push({
              object: at,
              field: "spec.destination.namespace",
              message: `(${dest.namespace}) differs from ${file}'s namespace (${doc.metadata.namespace})`,
            });
          }
          const group = doc.apiVersion.includes("/") ? doc.apiVersion.split("/")[0] : "";
          const allowed = [
            ...(proj?.spec.clusterResourceWhitelist ?? []),
            ...(proj?.spec.namespaceResourceWhitelist ?? []),
          ];
          if (
            proj !== undefined &&
            !allowed.some((gk) => gk.group === group && gk.kind === doc.kind)
          ) {
            problems.push({
              object: at,
              field: "spec.project",
              message: `AppProject ${proj.metadata?.name ?? ""} does not permit ${doc.kind} (${file})`,
            });
          }
        }
      }
    }
    if (
      source.path === "argocd" &&
      !(source.directory.exclude ?? "").includes(`${app.metadata?.name ?? ""}.yaml`)
    ) {
      problems.push({
        object: at,
        field: "spec.source.directory.exclude",
        message: "the root Application must exclude its own file, or it would manage itself",
      });
    }
  }
  return problems;
}
