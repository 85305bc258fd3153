/**
 * The one-pass emitter against the yaml Document it replaces: the same bytes for every object the
 * repository renders, for a seeded random corpus of awkward values, and a fallback for the rest.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { argocdObjects } from "../generate/argocd.ts";
import { buildObjects, renderAll, renderEnvironment } from "../generate/render.ts";
import {
  canonical,
  emitYaml,
  fileName,
  toYaml,
  toYamlWithDocument,
} from "../generate/serialize.ts";
import { plain } from "../generate/validate.ts";
import { ENVIRONMENTS } from "./helpers.ts";

/** Either path's text, or its error: a value the Document cannot write must fail alike. */
function outcome(write: (value: unknown) => string, value: unknown): string {
  try {
    return write(value);
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

describe("the emitter on the repository's objects", () => {
  const rendered = ENVIRONMENTS.flatMap((env) => renderEnvironment(env).entries);
  const objects = rendered.map((e) => e.object);
  const argocdModels = argocdObjects(ENVIRONMENTS, objects);
  const cases = [
    ...rendered.map((e) => [e.path, e.object] as const),
    ...argocdModels.map(plain).map((o) => [`argocd/${fileName(o)}`, o] as const),
  ];

  it("covers every file the repository renders", () => {
    expect(cases.length).toBe(renderAll(ENVIRONMENTS).size);
  });

  it.each(cases)("%s: takes the fast path and writes the Document's bytes", (_, object) => {
    const text = emitYaml(object);
    expect(text).toBeDefined();
    expect(text).toBe(toYamlWithDocument(object));
  });

  it("treats kubernetes-models instances as canonical does: as their own entries", () => {
    const models = [...ENVIRONMENTS.flatMap(buildObjects), ...argocdModels];
    for (const model of models) {
      const text = emitYaml(model);
      expect(text).toBeDefined();
      expect(text).toBe(toYamlWithDocument(model));
    }
  });
});

/** mulberry32: a few lines, deterministic, and good enough to spread a corpus. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings a YAML 1.1 parser could read as something else, or that need quoting or escaping. */
const TRICKY = [
  ...["yes", "No", "on", "OFF", "y", "~", "null", "", " a", "a ", "a: b", "a:", "#x", "a #b"],
  ...["-", "- a", "?", "? a", "0777", "1_000", "1:20", "0x1F", "0b101", "+1", ".5", "1e3"],
  ...[".inf", "-.Inf", ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "%x", "---"],
  ...["...", "a\nb", "it's", 'say "hi"', "both ' and \"", "ü", "\t", "@x", "`x", "*", "&a"],
  ...["!t", "|", ">", "[a]", "{a}", "a,b", "http://x:80/y", "*/5 * * * *", "-3", "3000", "true"],
  ...["a\\b", "#ü", "ü:", "a\tb", "\u0007", "\ud800", "a\u2028b", "x".repeat(1025), "1.0"],
];
/** Keys that decide the order: the leading keys, and array indices, which JS objects list first. */
const KEYS = [
  ...["apiVersion", "kind", "metadata", "name", "namespace", "a", "B", "b", "_", "Z", "aa"],
  ...["0", "1", "2", "10", "01", "-1", "4294967294", "4294967295", "1e3"],
];
const NUMBERS = [0, -1, 1, 42, 8080, 1.5, -0, 1e21, NaN, Infinity, 2 ** 53, -(2 ** 53 - 1)];
const ALPHABET = [..."ab01 :#-?'\"\\._ü\t\n%@*&!|>[]{},xe+~yn"];

function corpus(seed: number, size: number): unknown[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const word = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(ALPHABET)).join("");
  const string = () => (next() < 0.6 ? pick(TRICKY) : word());
  const scalar = (): unknown => {
    const r = next();
    if (r < 0.55) return string();
    if (r < 0.75) return pick(NUMBERS);
    if (r < 0.85) return next() < 0.5;
    return r < 0.95 ? null : undefined;
  };
  const node = (depth: number): unknown => {
    const r = next();
    if (depth > 3 || r < 0.4) return scalar();
    const size = Math.floor(next() * 5);
    if (r < 0.7) {
      const keys = Array.from({ length: size }, () => (next() < 0.5 ? pick(KEYS) : string()));
      return Object.fromEntries(keys.map((key) => [key, node(depth + 1)]));
    }
    return Array.from({ length: size }, () => node(depth + 1));
  };
  return Array.from({ length: size }, (_, i) => (i % 4 === 0 ? node(1) : node(0)));
}

/** What parsing the text gives back: `canonical`'s value, with undefined items written as null. */
function asParsed(value: unknown): unknown {
  const nulls = (v: unknown): unknown =>
    v === undefined
      ? null
      : Array.isArray(v)
        ? Array.from(v, nulls)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, item]) => [k, nulls(item)]))
          : v;
  return nulls(canonical(value));
}

describe("the emitter against the Document on a seeded random corpus", () => {
  const values = corpus(15, 4000);

  it("writes the same bytes, by the fast path or the fallback, and they parse back", () => {
    let fast = 0;
    for (const value of values) {
      const reference = toYamlWithDocument(value);
      const emitted = emitYaml(value);
      if (emitted !== undefined) {
        fast++;
        expect(emitted, JSON.stringify(value)).toBe(reference);
      }
      expect(toYaml(value)).toBe(reference);
      // yaml 2.9.1 loses or breaks whitespace-only lines in the block scalars it writes for
      // multi-line strings (" \n" comes back as "\n"): the Document's defect, never emitted here.
      if (!JSON.stringify(value)?.includes("\\n")) {
        expect(parse(reference, { version: "1.1" }), reference).toEqual(asParsed(value));
      }
    }
    // Both paths are exercised, the fast one often enough for the comparison to mean something.
    expect(fast).toBeGreaterThan(values.length / 4);
    expect(fast).toBeLessThan(values.length);
  });

  it.each(TRICKY.map((s) => [s]))("%j as a key and as a value", (s) => {
    for (const value of [{ [s]: s }, { list: [s, { [s]: [s] }] }, s, [s]]) {
      expect(toYaml(value)).toBe(toYamlWithDocument(value));
      const emitted = emitYaml(value);
      if (emitted !== undefined) expect(emitted).toBe(toYamlWithDocument(value));
      expect(parse(toYaml(value), { version: "1.1" })).toEqual(value);
    }
  });
});

describe("the emitter leaves to the Document", () => {
  class Box {
    readonly kept: number;
    constructor(kept = 1) {
      this.kept = kept;
    }
    toJSON() {
      return "ignored";
    }
  }
  const fallbacks: [string, unknown][] = [
    ["a multi-line string", { a: "a\nb" }],
    ["a control character", { a: "a\u0007" }],
    ["an unpaired surrogate", { a: "a\ud800" }],
    ["a string yaml single-quotes", { a: '#say "hi"' }],
    ["a string with both quotes, escaped", { a: "#both ' and \"" }],
    ["a backslash inside quotes", { a: "#a\\b" }],
    ["non-ASCII inside quotes", { a: "#ü" }],
    ["a tab inside quotes", { a: "\ta" }],
    ["a document start", { a: "---" }],
    ["a document end", { a: "..." }],
    ["a directive", { a: "%x" }],
    ["a document marker in a key", { "--- a": 1 }],
    ["a key yaml writes as explicit", { ["k".repeat(1025)]: 1 }],
    ["a quoted key yaml writes as explicit", { [`#${"k".repeat(1022)}`]: 1 }],
    ["the merge key, which yaml writes bare", { "<<": { a: 1 } }],
    ["a non-integer", { a: 1.5 }],
    ["minus zero", { a: -0 }],
    ["an unsafe integer", { a: 2 ** 53 }],
    ["NaN", { a: NaN }],
    ["undefined in an array", { a: [1, undefined] }],
    ["a hole in an array", { a: [1, , 2] }],
    ["an array in an array", { a: [[1, 2]] }],
    ["a Date", { a: new Date(0) }],
    ["a Map", { a: new Map([["x", 1]]) }],
    ["a boxed string", { a: new String("x") }],
    ["a byte array", { a: new Uint8Array([1]) }],
    ["a bigint", { a: 5n }],
    ["an own toJSON", { a: { toJSON: () => "x" } }],
    ["a function", { a: () => 1 }],
    ["a symbol", { a: Symbol("s") }],
    ["undefined", undefined],
  ];

  it.each(fallbacks)("%s, and still writes the Document's bytes", (_, value) => {
    expect(emitYaml(value)).toBeUndefined();
    expect(outcome(toYaml, value)).toBe(outcome(toYamlWithDocument, value));
  });

  it("but writes keys up to yaml's limit, and class instances as their entries", () => {
    for (const value of [{ ["k".repeat(1024)]: 1 }, { a: new Box(), b: [new Box(2)] }]) {
      expect(emitYaml(value)).toBe(toYamlWithDocument(value));
    }
    expect(emitYaml({ a: new Box() })).toBe("a:\n  kept: 1\n");
  });

  it("and keeps canonical's order, in which array-index keys come first in numeric order", () => {
    const value = { b: 1, "10": 2, "9": 3, "01": 4, apiVersion: 5 };
    expect(emitYaml(value)).toBe('"9": 3\n"10": 2\napiVersion: 5\n"01": 4\nb: 1\n');
    expect(emitYaml(value)).toBe(toYamlWithDocument(value));
  });
});
