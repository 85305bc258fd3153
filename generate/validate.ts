/**
 * Validation before anything is written: runs the output rules (generate/rules/, one module per
 * rule, listed in the README) over each environment's objects and over the Argo CD objects.
 * The input rules are the environment schema's (environment.ts).
 */
import { ARGOCD_RULES, ENVIRONMENT_RULES } from "./rules/index.ts";
import type { EnvironmentContext, Problem, Validatable } from "./rules/rule.ts";
import type { KubeObject } from "./serialize.ts";

export type { Problem, Validatable } from "./rules/rule.ts";
export { CLUSTER_SCOPED_KINDS } from "./rules/namespace.ts";

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

/** The object as plain JSON data, as it will be serialized. */
export function plain(model: Validatable): KubeObject {
  return JSON.parse(JSON.stringify(model.toJSON())) as KubeObject;
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
  files: ReadonlyMap<string, KubeObject>,
  environments: readonly { name: string; namespace: string }[],
): Problem[] {
  const context = { files, environments, models };
  return ARGOCD_RULES.flatMap((rule) => rule.check(objects, context));
}
