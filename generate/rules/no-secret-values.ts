import { findings, type EnvironmentRule } from "./rule.ts";

export const noSecretValues: EnvironmentRule = {
  id: "no-secret-values",
  scope: "environment",
  description:
    "No Secret is rendered with values: whatever enters git is public forever, base64 or not.",
  reads: ["Secret"],
  check(objects) {
    const { problems, add } = findings(noSecretValues);
    for (const o of objects)
      if (o.kind === "Secret" && (o.data !== undefined || o.stringData !== undefined))
        add(
          o,
          "data",
          "a Secret with values must never be rendered: secret values never enter git",
        );
    return problems;
  },
};
