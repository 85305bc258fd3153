/** Reading pod templates (Deployments, StatefulSets, Jobs) for the rules. */
import type { IIoK8sApiCoreV1PodSpec as PodSpec } from "kubernetes-models/v1/PodSpec";
import type { KubeObject } from "../serialize.ts";

export interface Template {
  metadata?: { labels?: Record<string, string> };
  spec?: PodSpec;
}

/** The pod template of an object that runs pods, or undefined. */
export function templateOf(o: KubeObject): Template | undefined {
  return (o.spec as { template?: Template } | undefined)?.template;
}

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
