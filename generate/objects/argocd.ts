/**
 * The Argo CD objects under `argocd/`: AppProject `todo` (least privilege: this repository, each
 * environment's cluster and namespace, the kinds the generator renders), one Application per
 * environment, and an app-of-apps Application over `argocd/` (excluding itself) with its own
 * AppProject, so that adding `environments/<name>.ts` and rendering is all a new environment takes.
 */
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import { IN_CLUSTER, project } from "../project.ts";
import { unreleased } from "../environment/images.ts";
import type { Environment } from "../environment/schema.ts";
import { labels } from "./labels.ts";
import { CLUSTER_SCOPED_KINDS, fileName, type ObjectHeader, type Validatable } from "../types.ts";

export const RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";

/** Retries a failed sync 5 times, waiting 5 s, 10 s, 20 s ... at most 3 minutes. */
const retry = { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } };

export interface GroupKind {
  group: string;
  kind: string;
}

/** `apps/v1` -> `apps`; `v1` (the core group) -> `""`. */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
}

/** The distinct group/kinds among objects, sorted, split into cluster-scoped and namespaced. */
export function kindsOf(objects: readonly ObjectHeader[]): {
  cluster: GroupKind[];
  namespaced: GroupKind[];
} {
  const seen = new Map<string, GroupKind>();
  for (const o of objects)
    seen.set(`${groupOf(o.apiVersion)}/${o.kind}`, { group: groupOf(o.apiVersion), kind: o.kind });
  const sorted = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, gk]) => gk);
  return {
    cluster: sorted.filter((gk) => CLUSTER_SCOPED_KINDS.has(gk.kind)),
    namespaced: sorted.filter((gk) => !CLUSTER_SCOPED_KINDS.has(gk.kind)),
  };
}

const appLabels = () => labels("gitops");

/**
 * How Argo CD compares and applies, for every Application: Server-Side Diff (a dry-run apply on the
 * API server, stable since Argo CD 3.1) sees defaults, admission webhooks and CRD schemas as the
 * cluster does, instead of guessing them locally; Server-Side Apply (from 3.6 it implies
 * Server-Side Diff) applies as `kubectl apply --server-side` does, with field ownership, and has no
 * 256 KiB last-applied annotation to outgrow.
 */
const compareOptions = { "argocd.argoproj.io/compare-options": "ServerSideDiff=true" };
const SERVER_SIDE_APPLY = "ServerSideApply=true";
const projectWave = { "argocd.argoproj.io/sync-wave": "-1" };

/** The Application that deploys one environment from `rendered/<env>`. */
export function application(env: Environment): Application {
  return new Application({
    metadata: {
      name: `todo-${env.name}`,
      namespace: project.argocdNamespace,
      labels: appLabels(),
      annotations: compareOptions,
      // Deleting the Application deletes what it deployed, instead of orphaning it.
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: env.argocd.project,
      source: {
        repoURL: project.repoURL,
        targetRevision: env.argocd.targetRevision,
        path: `rendered/${env.name}`,
        // No `directory` block: a plain, non-recursive directory is Argo CD's default, and Argo CD
        // rewrites a block that only repeats defaults to nothing. The root Application would then
        // find this one changed after every sync and never settle (the cluster suite saw it).
      },
      destination: { server: env.argocd.server, namespace: env.namespace },
      syncPolicy: {
        ...(env.argocd.sync === "automated"
          ? { automated: { enabled: true, prune: true, selfHeal: true } }
          : {}),
        syncOptions: ["PruneLast=true", SERVER_SIDE_APPLY],
        retry,
      },
    },
  });
}

/** AppProject `todo`: what the environments' Applications may deploy, and where. */
export function appProject(
  environments: readonly Environment[],
  kinds: ReturnType<typeof kindsOf>,
): AppProject {
  const syncWindows = unreleasedWindows(environments);
  const destinations = new Map(
    environments.map((env) => [
      `${env.argocd.server} ${env.namespace}`,
      { server: env.argocd.server, namespace: env.namespace },
    ]),
  );
  return new AppProject({
    metadata: {
      name: project.argocdProject,
      namespace: project.argocdNamespace,
      labels: appLabels(),
      annotations: projectWave,
    },
    spec: {
      description: "The Todo app in every environment, as rendered by todo-gitops.",
      sourceRepos: [project.repoURL],
      destinations: [...destinations.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, d]) => d),
      clusterResourceWhitelist: kinds.cluster,
      namespaceResourceWhitelist: kinds.namespaced,
      ...(syncWindows.length > 0 ? { syncWindows } : {}),
    },
  });
}

/**
 * An environment whose images were never promoted (all-zero digests) must not be synced: its
 * pods would sit in ImagePullBackOff. A deny window that is always open (every minute, for an
 * hour) blocks its Application's syncs, the UI's Sync button included (`manualSync: false`),
 * and the UI says why. The first promotion pull request re-renders the project without it.
 */
function unreleasedWindows(environments: readonly Environment[]) {
  return environments
    .filter((env) => unreleased(env).length > 0)
    .map((env) => ({
      kind: "deny",
      schedule: "* * * * *",
      duration: "1h",
      timeZone: "UTC",
      applications: [`todo-${env.name}`],
      manualSync: false,
    }));
}

/**
 * The app-of-apps: syncs every file of `argocd/` but its own. No resources finalizer here, unlike
 * the environments' Applications: deleting the root must not cascade into deleting every
 * environment's workloads.
 */
export function rootApplication(): Application {
  return new Application({
    metadata: {
      name: project.rootApplication,
      namespace: project.argocdNamespace,
      labels: appLabels(),
      annotations: compareOptions,
    },
    spec: {
      project: project.rootProject,
      source: {
        repoURL: project.repoURL,
        targetRevision: project.defaultBranch,
        path: "argocd",
        directory: { exclude: `{${rootFileName()}}` },
      },
      destination: { server: IN_CLUSTER, namespace: project.argocdNamespace },
      syncPolicy: {
        automated: { enabled: true, prune: true, selfHeal: true },
        syncOptions: [SERVER_SIDE_APPLY],
        retry,
      },
    },
  });
}

/** Its own file name, which it must exclude so that it never manages itself. */
export function rootFileName(): string {
  return fileName({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: project.rootApplication },
  });
}

/** AppProject of the root Application: only Applications and AppProjects, only in Argo CD's namespace. */
export function rootProject(): AppProject {
  return new AppProject({
    metadata: {
      name: project.rootProject,
      namespace: project.argocdNamespace,
      labels: appLabels(),
      annotations: projectWave,
    },
    spec: {
      description: "The app-of-apps over argocd/: Applications and AppProjects only.",
      sourceRepos: [project.repoURL],
      destinations: [{ server: IN_CLUSTER, namespace: project.argocdNamespace }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [
        { group: "argoproj.io", kind: "AppProject" },
        { group: "argoproj.io", kind: "Application" },
      ],
    },
  });
}

/** Every Argo CD object, given the environments and the objects rendered for them. */
export function argocdObjects(
  environments: readonly Environment[],
  rendered: readonly ObjectHeader[],
): Validatable[] {
  return [
    rootProject(),
    rootApplication(),
    appProject(environments, kindsOf(rendered)),
    ...environments.map(application),
  ];
}
