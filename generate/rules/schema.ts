import { findings, type EnvironmentRule } from "./rule.ts";

/** Each object against its own OpenAPI schema (kubernetes-models' `validate()`). */
export const schema: EnvironmentRule = {
  id: "schema",
  scope: "environment",
  description: "Every object validates against its kind's OpenAPI schema (kubernetes-models).",
  reads: ["*"],
  check(objects, context) {
    const { problems, add } = findings(schema);
    (context.models ?? []).forEach((model, i) => {
      try {
        model.validate();
      } catch (error) {
        add(objects[i] ?? {}, "(schema)", (error as Error).message);
      }
    });
    return problems;
  },
};
