/**
 * Every determinism rule of the output, in one place: file names come from the object, keys come
 * out in one canonical order, strings that any YAML 1.1 parser could misread are quoted, and
 * nothing depends on time, machine, locale or environment variables.
 */
import { Document } from "yaml";

/** A rendered object, as the serializer sees it: plain JSON with apiVersion, kind and a name. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * What the Argo CD step reads of a rendered object: its kind and name, not its content. Worker
 * threads send back only this with each file's YAML (workers.ts), so the type keeps the Argo CD
 * objects and rules from depending on more.
 */
export interface ObjectHeader {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
}

/** The header of an object: a copy of its kind and name only. */
export function headerOf(object: KubeObject): ObjectHeader {
  const { name, namespace } = object.metadata ?? {};
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      ...(name === undefined ? {} : { name }),
      ...(namespace === undefined ? {} : { namespace }),
    },
  };
}

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
  // Building a yaml Document was most of a render's time (issue 15); the emitter writes the same
  // bytes in one pass and leaves whatever it does not cover to the Document.
  return emitYaml(value) ?? toYamlWithDocument(value);
}

/** What `toYaml` writes, always through a yaml Document: the reference the emitter must equal. */
export function toYamlWithDocument(value: unknown): string {
  const doc = new Document(canonical(value), { version: "1.1", aliasDuplicateObjects: false });
  return doc.toString({ lineWidth: 0, minContentWidth: 0, directives: false, indentSeq: true });
}

// The emitter below mirrors yaml 2.9.1's stringifier (stringify/stringifyString.js,
// stringifyPair.js, stringifyCollection.js) for `toYamlWithDocument`'s options, and only for
// the single-line, unescaped subset: each decision it cannot make the same way returns
// `undefined`, and the whole object goes to the Document. Which strings a 1.1 parser would read
// as another type is asked of yaml's own 1.1 schema, so that it follows the library.
// test/serialize-emitter.test.ts compares the two, byte for byte.

const STRING_TAG = "tag:yaml.org,2002:str";
const SCHEMA = new Document(null, { version: "1.1" }).schema;
const SCHEMA_TAGS = [...SCHEMA.tags, ...(SCHEMA.compat ?? [])];
/** The tests by which yaml quotes a string that a 1.1 parser would read as another type. */
const RESOLVED_AS_OTHER_TYPE = anyOf(
  SCHEMA_TAGS.filter((tag) => tag.default && tag.tag !== STRING_TAG && tag.test).map(
    (tag) => tag.test!,
  ),
);
/** Tags that claim some strings for themselves (in 1.1, the merge key `<<` is written bare). */
const CLAIMS_STRINGS = SCHEMA_TAGS.filter((tag) => tag.tag !== STRING_TAG && tag.identify);
/** yaml's `plainString`: what a plain scalar cannot start with, contain or end with. */
const NOT_PLAIN =
  /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** yaml's `stringifyString`: these force double quotes with escapes. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** A line yaml would indent or quote differently by where it stands. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** Inside double quotes, what JSON.stringify leaves as is: yaml adds no escapes of its own. */
const QUOTABLE = /^[ !#-[\]-~]*$/;
/** yaml writes longer keys as explicit `? key` entries. */
const MAX_IMPLICIT_KEY = 1024;
/** Each string's text (`null`: the Document's), as strings repeat, keys above all. */
const STRING_TEXT = new Map<string, string | null>();
/** A bound on that memory for renders of many environments, each with names of its own. */
const STRING_TEXT_LIMIT = 100_000;

/** One pattern for all, where alternation means the same: no flags, no references to groups. */
function anyOf(tests: readonly RegExp[]): Pick<RegExp, "test"> {
  if (tests.some((test) => test.flags !== "" || /\\[1-9k]|\(\?</.test(test.source))) {
    return { test: (text) => tests.some((test) => test.test(text)) };
  }
  return new RegExp(tests.map((test) => `(?:${test.source})`).join("|"));
}

/** `toYamlWithDocument(value)`, or `undefined` where it leaves the value to the Document. */
export function emitYaml(value: unknown): string | undefined {
  const text = emitNode(value, "");
  return text === undefined ? undefined : `${text}\n`;
}

/** A node whose lines after the first start at `indent`. */
function emitNode(value: unknown, indent: string): string | undefined {
  if (typeof value !== "object" || value === null) return emitScalar(value, false);
  if (Array.isArray(value)) return emitSequence(value, indent);
  return isOrdinaryObject(value) ? emitMapping(value, indent) : undefined;
}

/**
 * Plain objects and class instances (kubernetes-models), which `canonical` copies as their own
 * entries. What it makes of built-ins (a Date or a Map becomes `{}`) is left to the Document path.
 */
function isOrdinaryObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return (
    prototype === Object.prototype ||
    prototype === null ||
    Object.prototype.toString.call(value) === "[object Object]"
  );
}

function emitMapping(object: Record<string, unknown>, indent: string): string | undefined {
  const keys = orderedKeys(object);
  if (keys.length === 0) return "{}";
  const inner = `${indent}  `;
  let text = "";
  for (const key of keys) {
    const keyText = emitScalar(key, true);
    const value = object[key];
    const valueText = emitNode(value, inner);
    if (keyText === undefined || valueText === undefined) return undefined;
    // A non-empty collection starts on the next line; scalars, `{}` and `[]` follow the colon.
    const block =
      typeof value === "object" && value !== null && valueText !== "{}" && valueText !== "[]";
    const line = `${keyText}:${block ? `\n${inner}` : " "}${valueText}`;
    text = text === "" ? line : `${text}\n${indent}${line}`;
  }
  return text;
}

function emitSequence(items: readonly unknown[], indent: string): string | undefined {
  if (items.length === 0) return "[]";
  const inner = `${indent}  `;
  let text = "";
  for (const item of items) {
    // `- - a`, and undefined or holes (which yaml writes as null): rare enough for the Document.
    if (item === undefined || (Array.isArray(item) && item.length > 0)) return undefined;
    const itemText = emitNode(item, inner);
    if (itemText === undefined) return undefined;
    text = text === "" ? `- ${itemText}` : `${text}\n${indent}- ${itemText}`;
  }
  return text;
}

/**
 * The keys of `canonical(object)` in the order its copy lists them: canonical order, except that
 * array-index keys ("0", "10") come first in numeric order, as in every JavaScript object.
 */
function orderedKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object).filter((key) => object[key] !== undefined);
  let indices = 0;
  while (indices < keys.length && isArrayIndex(keys[indices]!)) indices++;
  if (indices === 0) return keys.sort(compareKeys);
  return [...keys.slice(0, indices), ...keys.slice(indices).sort(compareKeys)];
}

function isArrayIndex(key: string): boolean {
  const n = Number(key);
  return n >>> 0 === n && n !== 2 ** 32 - 1 && String(n) === key;
}

function emitScalar(value: unknown, implicitKey: boolean): string | undefined {
  switch (typeof value) {
    case "string":
      return emitString(value, implicitKey);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined;
    case "object":
      return value === null ? "null" : undefined;
    default:
      return undefined;
  }
}

function emitString(value: string, implicitKey: boolean): string | undefined {
  let text = STRING_TEXT.get(value);
  if (text === undefined) {
    if (STRING_TEXT.size === STRING_TEXT_LIMIT) STRING_TEXT.clear();
    text = stringText(value);
    STRING_TEXT.set(value, text);
  }
  return text === null || (implicitKey && text.length > MAX_IMPLICIT_KEY) ? undefined : text;
}

/** yaml's choice between plain and double-quoted for one line, `null` for anything else. */
function stringText(value: string): string | null {
  if (value.includes("\n") || CONTROL.test(value) || DOCUMENT_MARKER.test(value)) return null;
  if (CLAIMS_STRINGS.some((tag) => tag.identify!(value))) return null;
  if (!NOT_PLAIN.test(value) && !RESOLVED_AS_OTHER_TYPE.test(value)) return value;
  // yaml would single-quote a value with `"` but no `'`, and escape one with both.
  return QUOTABLE.test(value) ? `"${value}"` : null;
}

/** `rendered/<env>/<kind>-<name>.yaml`: one file per object, the name from the object. */
export function fileName(object: KubeObject): string {
  return `${object.kind.toLowerCase()}-${object.metadata?.name ?? ""}.yaml`;
}
