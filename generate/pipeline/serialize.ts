/**
 * Every determinism rule of the output, in one place: file names come from the object, keys come
 * out in one canonical order, strings that any YAML 1.1 parser could misread are quoted, and
 * nothing depends on time, machine, locale or environment variables.
 */
import { Document, stringify } from "yaml";

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

/** yaml's options for the output: YAML 1.1 quoting, no anchors, no folded lines, indented lists. */
const OPTIONS = {
  version: "1.1",
  aliasDuplicateObjects: false,
  lineWidth: 0,
  minContentWidth: 0,
  directives: false,
  indentSeq: true,
} as const;

/**
 * YAML every Kubernetes parser reads the same way. The YAML 1.1 schema makes yaml quote `yes`,
 * `on`, `0777`, `1_000`, dates and the like, which 1.1 parsers (sigs.k8s.io/yaml, via go-yaml v2)
 * would read as booleans, numbers or timestamps.
 *
 * The text is yaml's `stringify`, byte for byte (test/serialize.test.ts compares every rendered
 * object). For speed, `layout` writes what is only indentation (block mappings and lists of
 * one-line scalars) and asks yaml for each scalar's text that is not plainly plain; anything
 * else goes to yaml whole. Why: yaml takes 0.4-0.9 ms per object, which is 8-18 s of a
 * 1,000-environment render (docs/performance.md).
 */
export function toYaml(value: unknown): string {
  const data = canonical(value);
  return layout(data) ?? stringify(data, OPTIONS);
}

/** What `toYaml` must equal: yaml's `stringify` of the canonical data, whole. */
export function toYamlByYaml(value: unknown): string {
  return stringify(canonical(value), OPTIONS);
}

/** The object as block YAML, when it is only mappings, lists and one-line scalars. */
function layout(data: unknown): string | undefined {
  if (!isMapping(data) || Object.keys(data).length === 0) return undefined;
  const lines: string[] = [];
  return mapping(data, "", lines) ? `${lines.join("\n")}\n` : undefined;
}

type Scalar = string | number | boolean | null;
const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;
const isScalar = (v: unknown): v is Scalar =>
  v === null ||
  typeof v === "string" ||
  typeof v === "boolean" ||
  (typeof v === "number" && Number.isFinite(v));

type Place = "root-key" | "key" | "value" | "item";

/**
 * Most strings need no asking: letters, digits and `._/-` (not first), which yaml writes plain
 * in every place unless its YAML 1.1 schema reads them as another type (`yes`, `0777`, `1e3`,
 * dates): that, yaml's own tag tests decide. Asking yaml costs ~0.05 ms a string, cold more.
 */
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$/;
const SCHEMA = new Document(null, { version: "1.1" }).schema;
const OTHER_TYPE = anyOf(
  [...SCHEMA.tags, ...(SCHEMA.compat ?? [])]
    .filter((tag) => tag.default && tag.tag !== "tag:yaml.org,2002:str" && tag.test)
    .map((tag) => tag.test!),
);

/** Whether any of the tests matches. */
function anyOf(tests: readonly RegExp[]): { test(text: string): boolean } {
  return { test: (text) => tests.some((t) => t.test(text)) };
}

function mapping(map: Record<string, unknown>, indent: string, lines: string[]): boolean {
  for (const [key, value] of Object.entries(map)) {
    const k = text(key, indent === "" ? "root-key" : "key");
    if (k === undefined) return false;
    const head = `${indent}${k}:`;
    if (!nested(value, head, `${indent}  `, lines)) return false;
  }
  return true;
}

function sequence(items: readonly unknown[], indent: string, lines: string[]): boolean {
  for (const item of items) {
    if (isMapping(item) && Object.keys(item).length > 0) {
      const first = lines.length;
      if (!mapping(item, `${indent}  `, lines)) return false;
      lines[first] = `${indent}- ${lines[first]!.slice(indent.length + 2)}`;
    } else if (!nested(item, `${indent}-`, `${indent}  `, lines, "item")) return false;
  }
  return true;
}

/** `head` (a key or a list dash) and its value: on the line, or the lines below at `indent`. */
function nested(
  value: unknown,
  head: string,
  indent: string,
  lines: string[],
  where: Place = "value",
): boolean {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      lines.push(`${head} []`);
      return true;
    }
    if (where === "item") return false; // a list in a list: yaml's own
    lines.push(head);
    return sequence(value, indent, lines);
  }
  if (isMapping(value)) {
    if (Object.keys(value).length === 0) {
      lines.push(`${head} {}`);
      return true;
    }
    lines.push(head);
    return mapping(value, indent, lines);
  }
  const t = isScalar(value) ? text(value, where) : undefined;
  if (t === undefined) return false;
  lines.push(`${head} ${t}`);
  return true;
}

/** yaml's text of each distinct scalar, per place; undefined where it takes more than a line. */
const TEXTS = new Map<string, string | undefined>();
/** A bound on that memory for renders of many environments, each with names of its own. */
const TEXTS_LIMIT = 100_000;

/** yaml's text of a document that holds `value` in `where`, and what surrounds the value in it. */
function probe(value: Scalar, where: Place): [string, string, string] {
  const key = String(value);
  if (where === "root-key") return [stringify({ [key]: 0 }, OPTIONS), "", ": 0\n"];
  if (where === "key") return [stringify({ k: { [key]: 0 } }, OPTIONS), "k:\n  ", ": 0\n"];
  if (where === "value") return [stringify({ k: value }, OPTIONS), "k: ", "\n"];
  return [stringify({ k: [value] }, OPTIONS), "k:\n  - ", "\n"];
}

function text(value: Scalar, where: Place): string | undefined {
  if (typeof value === "string" && PLAIN.test(value) && !OTHER_TYPE.test(value)) return value;
  const id = `${where}\0${typeof value}\0${Object.is(value, -0) ? "-0" : String(value)}`;
  if (TEXTS.has(id)) return TEXTS.get(id);
  // The scalar in the place it will stand, so that yaml decides as it would for the whole object
  // (a key at a document's first column is quoted where it could be read as `---` or `...`).
  const [written, prefix, suffix] = probe(value, where);
  const inner = written.slice(prefix.length, written.length - suffix.length);
  const oneLine =
    written.startsWith(prefix) &&
    written.endsWith(suffix) &&
    !inner.includes("\n") &&
    !(where.endsWith("key") && inner.startsWith("? "));
  if (TEXTS.size >= TEXTS_LIMIT) TEXTS.clear();
  TEXTS.set(id, oneLine ? inner : undefined);
  return oneLine ? inner : undefined;
}
