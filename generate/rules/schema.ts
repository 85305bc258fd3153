import type { KubeObject } from "../types.ts";
import type { Validatable } from "../types.ts";
import { type EnvironmentRule, findings } from "./rule.ts";

/** What each model's own schema (kubernetes-models' `validate()`) rejects, as `rule`'s findings. */
export function schemaFindings(
  rule: { id: string },
  models: readonly Validatable[],
  objects: readonly KubeObject[],
) {
  const { problems, add } = findings(rule);
  models.forEach((model, i) => {
    try {
      model.validate();
    } catch (error) {
      add(objects[i] ?? {}, "(schema)", (error as Error).message);
    }
  });
  return problems;
}

/** Each object against its own OpenAPI schema (kubernetes-models' `validate()`). */
export const schema: EnvironmentRule = {
  id: "schema",
  scope: "environment",
  description: "Every object validates against its kind's OpenAPI schema (kubernetes-models).",
  reads: ["*"],
  check: (objects, context) => schemaFindings(schema, context.models ?? [], objects),
};
