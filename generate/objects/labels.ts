import { project } from "../project.ts";
import { APP_NAME, MANAGED_BY, PART_OF } from "./names.ts";

/** Kubernetes' recommended `app.kubernetes.io/*` labels for an object of one component. */
export function labels(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": APP_NAME,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/version": project.appVersion,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/** The selector label (`app: todo-backend`): stable, so selectors never change on upgrades. */
export function selector(app: string): Record<string, string> {
  return { app };
}

/** Pod template labels: the selector plus the recommended labels. */
export function podLabels(app: string, component: string): Record<string, string> {
  return { ...selector(app), ...labels(component) };
}
