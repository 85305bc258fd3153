import { DNS1123_SUBDOMAIN } from "../types.ts";
import { findings, type EnvironmentRule } from "./rule.ts";

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

type Kind = "labels" | "annotations";
const MAPS: Record<string, Kind> = {
  labels: "labels",
  matchLabels: "labels",
  annotations: "annotations",
};

/**
 * Calls `visit` with every `labels`, `matchLabels` and `annotations` map in a value, with its
 * field path.
 */
function walkLabels(
  value: unknown,
  path: string,
  visit: (field: string, map: Record<string, unknown>, kind: Kind) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkLabels(item, `${path}[${i}]`, visit));
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value)) {
    const field = path === "" ? key : `${path}.${key}`;
    const kind = Object.hasOwn(MAPS, key) ? MAPS[key] : undefined;
    if (kind !== undefined && child !== null && typeof child === "object")
      visit(field, child as Record<string, unknown>, kind);
    else walkLabels(child, field, visit);
  }
}

/** A qualified name: an optional DNS subdomain and one '/', then a name (no further '/'). */
const validKey = (key: string) => {
  const slash = key.indexOf("/");
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  return (
    LABEL_NAME.test(name) &&
    name.length <= 63 &&
    (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)))
  );
};

export const labelSyntax: EnvironmentRule = {
  id: "label-syntax",
  scope: "environment",
  description:
    "Every label, selector and annotation key, and every label value, is one the API server accepts (<= 63 characters, alphanumeric ends; an optional DNS prefix).",
  reads: ["*"],
  check(objects) {
    const { problems, add } = findings(labelSyntax);
    for (const o of objects)
      walkLabels(o, "", (field, labels, kind) => {
        for (const [key, value] of Object.entries(labels)) {
          // An annotation's key has a label key's syntax; its value is free text.
          if (kind === "annotations") {
            if (!validKey(key))
              add(
                o,
                `${field}.${key}`,
                "is not a valid annotation key (an optional DNS prefix and '/', then <= 63 characters, alphanumeric at both ends)",
              );
            continue;
          }
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
