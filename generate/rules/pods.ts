/** Reading pod templates (Deployments, StatefulSets, Jobs) and selectors, for the rules. */
import type { IIoK8sApiCoreV1PodSpec as PodSpec } from "kubernetes-models/v1/PodSpec";
import type { KubeObject } from "../types.ts";

export interface Template {
  metadata?: { labels?: Record<string, string> };
  spec?: PodSpec;
}

/** The pod template of an object that runs pods, or undefined. */
export function templateOf(o: KubeObject): Template | undefined {
  return (o.spec as { template?: Template } | undefined)?.template;
}

/** The objects that run pods. */
export const workloadsOf = (objects: readonly KubeObject[]) =>
  objects.filter((o) => templateOf(o) !== undefined);

/** Every container of a pod spec with its field path. */
export function containersOf(spec: PodSpec | undefined) {
  return [
    ...(spec?.containers ?? []).map((c, i) => ({
      c,
      field: `spec.template.spec.containers[${i}]`,
    })),
    ...(spec?.initContainers ?? []).map((c, i) => ({
      c,
      field: `spec.template.spec.initContainers[${i}]`,
    })),
  ];
}

/** An equality selector that selects these labels (an empty selector selects nothing here). */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The names of the Secrets that an ExternalSecret of these objects creates. */
export function externalSecretTargets(objects: readonly KubeObject[]): string[] {
  return objects
    .filter((o) => o.kind === "ExternalSecret")
    .map((o) => (o.spec as { target?: { name?: string } }).target?.name ?? o.metadata?.name ?? "");
}
