/**
 * Every determinism rule of the output, in one place: file names come from the object, keys come
 * out in one canonical order, strings that any YAML 1.1 parser could misread are quoted, and
 * nothing depends on time, machine, locale or environment variables.
 */
import { stringify } from "yaml";

/** Keys that come first wherever they appear, in this order; all others follow sorted. */
const LEADING_KEYS = ["apiVersion", "kind", "metadata", "name", "namespace"];

function compareKeys(a: string, b: string): number {
  const ia = LEADING_KEYS.indexOf(a);
  const ib = LEADING_KEYS.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? Infinity : ia) - (ib === -1 ? Infinity : ib);
  // Code-unit order, not localeCompare: the same on every machine and locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A deep copy with object keys in canonical order and `undefined` values dropped. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareKeys(a, b));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/**
 * YAML every Kubernetes parser reads the same way. The YAML 1.1 schema makes the stringifier
 * quote `yes`, `on`, `0777`, `1_000`, dates and the like, which 1.1 parsers (sigs.k8s.io/yaml,
 * via go-yaml v2) would read as booleans, numbers or timestamps; no anchors, no folded lines.
 */
export function toYaml(value: unknown): string {
  return stringify(canonical(value), {
    version: "1.1",
    aliasDuplicateObjects: false,
    lineWidth: 0,
    minContentWidth: 0,
    directives: false,
    indentSeq: true,
  });
}
