/**
 * No rendered object carries a field Kubernetes does not know. kubernetes-models' validate()
 * accepts unknown fields, and the API server would drop them silently (a typo such as
 * `readinessprobe` would simply vanish), so every object is walked against the field lists of
 * the official client's models (@kubernetes/client-node). Kinds outside the core API are checked
 * elsewhere: ExternalSecret and Argo CD's by their own strict schemas; Gateway API's (whose models
 * accept unknown fields) by the real API server in the cluster suite, which applies every
 * rendered object with kubectl's strict field validation against the pinned CRDs.
 */
import * as k8s from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../generate/types.ts";
import { ENVIRONMENTS, objectsOf } from "./helpers.ts";

interface Attribute {
  baseName: string;
  type: string;
}
type Model = { getAttributeTypeMap(): Attribute[] };
const models = k8s as unknown as Record<string, Model | undefined>;

/** `apps/v1` + `Deployment` -> the client's `V1Deployment` model. */
function modelOf(object: KubeObject): string {
  const version = object.apiVersion.split("/").at(-1) ?? "";
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
}

/** Paths of fields that `type` does not define, anywhere below `value`. */
function unknownFields(value: unknown, type: string, path: string): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array !== null) {
    return Array.isArray(value)
      ? value.flatMap((item, i) => unknownFields(item, array[1] ?? "", `${path}[${i}]`))
      : [];
  }
  const model = models[type];
  if (model === undefined || value === null || typeof value !== "object") return []; // primitives, maps, IntOrString
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const childType = attributes.get(key);
    const field = path === "" ? key : `${path}.${key}`;
    return childType === undefined ? [field] : unknownFields(child, childType, field);
  });
}

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))("environment %s", (_, env) => {
  const objects = objectsOf(env);
  const core = objects.filter((o) => models[modelOf(o)] !== undefined);

  it("checks every object of the core API", () => {
    expect(
      [
        ...new Set(objects.filter((o) => models[modelOf(o)] === undefined).map((o) => o.kind)),
      ].sort(),
    ).toEqual(
      [
        ...(env.secrets.provider === "external-secrets" ? ["ExternalSecret"] : []),
        ...(env.routing.kind === "gateway" ? ["Gateway", "HTTPRoute"] : []),
      ].sort(),
    );
  });

  it.each(core.map((o) => [`${o.kind}/${o.metadata?.name}`, o] as const))(
    "%s has only known fields",
    (_, object) => {
      expect(unknownFields(object, modelOf(object), "")).toEqual([]);
    },
  );
});

it("would report a misspelt field", () => {
  const [deployment] = objectsOf(ENVIRONMENTS[0]!).filter((o) => o.kind === "Deployment");
  const broken = structuredClone(deployment) as unknown as {
    spec: { template: { spec: { containers: Record<string, unknown>[] } } };
  };
  broken.spec.template.spec.containers[0]!.readinessprobe = {};
  expect(unknownFields(broken, "V1Deployment", "")).toEqual([
    "spec.template.spec.containers[0].readinessprobe",
  ]);
});
