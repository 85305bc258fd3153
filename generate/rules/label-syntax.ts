import { DNS1123_SUBDOMAIN } from "../environment.ts";
import { findings, type EnvironmentRule } from "./rule.ts";

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Calls `visit` with every `labels` and `matchLabels` map in a value, with its field path. */
function walkLabels(
  value: unknown,
  path: string,
  visit: (field: string, labels: Record<string, unknown>) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkLabels(item, `${path}[${i}]`, visit));
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value)) {
    const field = path === "" ? key : `${path}.${key}`;
    const isLabels = key === "labels" || key === "matchLabels";
    if (isLabels && child !== null && typeof child === "object")
      visit(field, child as Record<string, unknown>);
    else walkLabels(child, field, visit);
  }
}

const validKey = (key: string) => {
  const [prefix, name] = key.includes("/") ? key.split("/", 2) : [undefined, key];
  return (
    LABEL_NAME.test(name ?? "") &&
    (name ?? "").length <= 63 &&
    (prefix === undefined || DNS1123_SUBDOMAIN.test(prefix))
  );
};

export const labelSyntax: EnvironmentRule = {
  id: "label-syntax",
  scope: "environment",
  description:
    "Every label and selector key and value is one the API server accepts (<= 63 characters, alphanumeric ends).",
  reads: ["*"],
  check(objects) {
    const { problems, add } = findings(labelSyntax);
    for (const o of objects)
      walkLabels(o, "", (field, labels) => {
        for (const [key, value] of Object.entries(labels)) {
          if (!validKey(key)) add(o, `${field}.${key}`, "is not a valid label key");
          if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value))
            add(
              o,
              `${field}.${key}`,
              `(${String(value)}) is not a valid label value (<= 63 characters, alphanumeric at both ends, '-', '_', '.' inside)`,
            );
        }
      });
    return problems;
  },
};
