/**
 * Project-wide settings: what is true of this repository, not of an environment. One place, so
 * that the Applications, the AppProjects, the labels and the validators cannot disagree. Change
 * them on a fork. (The data model's names and ports are in names.ts; an environment's values are
 * in environments/.)
 */
export const project = {
  /** This repository, as Argo CD clones it. */
  repoURL: "https://github.com/todo-gitops/todo-gitops.git",
  /** The branch Argo CD follows unless an environment says otherwise. */
  defaultBranch: "main",
  /** Namespace Argo CD runs in. */
  argocdNamespace: "argocd",
  /** The AppProject of every environment's Application. */
  argocdProject: "todo",
  /** The app-of-apps Application over `argocd/`, and its own AppProject. */
  rootApplication: "todo-apps",
  rootProject: "todo-bootstrap",
  /** The app version in `app.kubernetes.io/version` on every object. */
  appVersion: "1.0.0",
} as const;

/** The cluster Argo CD runs in, as an Application destination. */
export const IN_CLUSTER = "https://kubernetes.default.svc";
