/**
 * Validation before anything is written: runs the output rules (generate/rules/, one module per
 * rule, listed in the README) over each environment's objects and over the Argo CD objects.
 * The input rules are the environment schema's (environment.ts).
 */
import { ARGOCD_RULES, ENVIRONMENT_RULES } from "../rules/index.ts";
import type { EnvironmentContext, Problem } from "../rules/rule.ts";
import type { KubeObject, ObjectHeader, Validatable } from "../types.ts";

export type { Problem } from "../rules/rule.ts";

/** Rendering failed: nothing was written. Names the environment, rule, object and field of each. */
export class RenderError extends Error {
  readonly problems: readonly (Problem & { environment: string })[];
  constructor(problems: readonly (Problem & { environment: string })[]) {
    super(
      `rendering failed, nothing was written:\n${problems
        .map(
          (p) =>
            `  - environment "${p.environment}": ${p.rule === undefined ? "" : `[${p.rule}] `}${p.object}: ${p.field}: ${p.message}`,
        )
        .join("\n")}`,
    );
    this.name = "RenderError";
    this.problems = problems;
  }
}

/**
 * The object as plain JSON data, as it will be serialized: what a JSON round trip of the model
 * gives, copied in one walk (the round trip was a fifth of rendering 1,000 environments). A value
 * JSON would change (another `toJSON` than the models', a number JSON cannot hold, `undefined` or
 * a function in an array, a class instance) makes the whole object take the round trip instead.
 */
export function plain(model: Validatable): KubeObject {
  try {
    return jsonCopy(model, model.toJSON) as KubeObject;
  } catch (error) {
    if (error !== NOT_JSON_DATA) throw error;
    return JSON.parse(JSON.stringify(model)) as KubeObject;
  }
}

const NOT_JSON_DATA = Symbol("not plain JSON");

/** A deep copy as JSON.stringify sees `value`; `modelToJSON` is the models' own (own keys). */
function jsonCopy(value: unknown, modelToJSON: unknown): unknown {
  if (typeof value !== "object") {
    if (typeof value === "string" || typeof value === "boolean") return value;
    // -0: JSON writes 0 (and the YAML writer would keep the sign).
    if (typeof value === "number" && Number.isFinite(value))
      return Object.is(value, -0) ? 0 : value;
    throw NOT_JSON_DATA;
  }
  if (value === null) return null;
  // Array.from, not map: a hole becomes undefined, which JSON writes as null (so: the round trip).
  if (Array.isArray(value)) return Array.from(value, (item) => jsonCopy(item, modelToJSON));
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (toJSON !== modelToJSON && (toJSON !== undefined || proto !== Object.prototype)) {
    throw NOT_JSON_DATA;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    copy[key] = jsonCopy(item, modelToJSON);
  }
  return copy;
}

/** Every problem in one environment's objects (`objects` are the models as plain JSON). */
export function validateObjects(
  models: readonly Validatable[],
  options: Omit<EnvironmentContext, "models">,
  objects: readonly KubeObject[] = models.map(plain),
): Problem[] {
  const context = { ...options, models };
  return ENVIRONMENT_RULES.flatMap((rule) => rule.check(objects, context));
}

/** Every problem in the Argo CD objects, given every rendered file and the environments. */
export function validateArgocd(
  models: readonly Validatable[],
  objects: readonly KubeObject[],
  files: ReadonlyMap<string, ObjectHeader>,
  environments: readonly { name: string; namespace: string }[],
): Problem[] {
  const context = { files, environments, models };
  return ARGOCD_RULES.flatMap((rule) => rule.check(objects, context));
}
