/** The serializer's rules: canonical key order, YAML every parser reads alike, names from objects. */
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { canonical, toYaml, toYamlByYaml } from "../generate/pipeline/serialize.ts";
import { argocdObjects } from "../generate/objects/argocd.ts";
import { renderEnvironment } from "../generate/pipeline/render.ts";
import { plain } from "../generate/pipeline/validate.ts";
import { ENVIRONMENTS } from "./helpers.ts";
import { fileName } from "../generate/types.ts";

describe("toYaml", () => {
  it("orders keys canonically whatever the insertion order", () => {
    const a = {
      spec: { b: 1, a: 2 },
      metadata: { labels: { z: "1", a: "2" }, name: "x" },
      kind: "ConfigMap",
      apiVersion: "v1",
    };
    const b = {
      apiVersion: "v1",
      metadata: { name: "x", labels: { a: "2", z: "1" } },
      kind: "ConfigMap",
      spec: { a: 2, b: 1 },
    };
    expect(toYaml(a)).toBe(toYaml(b));
    expect(Object.keys(canonical(a) as object)).toEqual(["apiVersion", "kind", "metadata", "spec"]);
  });

  it("puts name first in list items, as people read them", () => {
    expect(Object.keys(canonical({ image: "i", env: [], name: "c" }) as object)).toEqual([
      "name",
      "env",
      "image",
    ]);
  });

  const risky = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "NO",
    "true",
    "null",
    "~",
    "0777",
    "0x1F",
    "1.0",
    "1e3",
    "1_000",
    "12:30",
    "2001-12-14",
    "8080",
    ".inf",
    "-",
    "@x",
    "`x",
    "a: b",
    "#x",
    " padded",
    "",
  ];
  it.each(risky)("keeps the string %j a string for YAML 1.1 and 1.2 parsers", (value) => {
    const text = toYaml({ data: { value } });
    expect(parse(text, { version: "1.1" }).data.value).toBe(value);
    expect(parse(text, { version: "1.2" }).data.value).toBe(value);
  });

  it("writes no anchors or aliases for shared objects, and no folded lines", () => {
    const shared = { drop: ["ALL"] };
    const long = "x ".repeat(200);
    const text = toYaml({ a: shared, b: shared, long });
    expect(text).not.toMatch(/[&*]\w/);
    // The 400-character value stays on one line.
    expect(text.split("\n").filter((l) => l.includes("x x"))).toHaveLength(1);
    expect(parse(text).long).toBe(long);
    expect(parseAllDocuments(text)).toHaveLength(1);
  });

  it("ends with exactly one newline and drops undefined fields", () => {
    const text = toYaml({ a: 1, b: undefined });
    expect(text).toBe("a: 1\n");
  });
});

describe("fileName", () => {
  it("is <lower-case kind>-<name>.yaml", () => {
    expect(
      fileName({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "todo-config" } }),
    ).toBe("configmap-todo-config.yaml");
    expect(
      fileName({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "x" } }),
    ).toBe("poddisruptionbudget-x.yaml");
  });
});

describe("toYaml is yaml's stringify, byte for byte", () => {
  const rendered = ENVIRONMENTS.flatMap((env) =>
    renderEnvironment(env).entries.map((e) => e.object),
  );
  const argocd = argocdObjects(ENVIRONMENTS, rendered).map(plain);

  it.each([...rendered, ...argocd].map((o) => [`${o.kind}/${o.metadata?.name}`, o] as const))(
    "for %s as rendered",
    (_, object) => {
      expect(toYaml(object)).toBe(toYamlByYaml(object));
    },
  );

  /** Values yaml writes in some other way than a plain scalar, each in every place one stands. */
  const awkward: unknown[] = [
    ...["", " lead", "trail ", "yes", "on", "No", "~", "null", "0777", "0x1f", "1_000", "1e3"],
    ...["12:30", "2001-12-14", ".inf", "-.5", "a: b", "a #b", "#x", "- x", "-", "?", "? x", "---"],
    ...[
      "...",
      "%x",
      "*a",
      "&a",
      "!t",
      "|",
      ">",
      "'q'",
      '"q"',
      "@x",
      "`x",
      "é",
      "tab\there",
      "\u0007",
    ],
    ...["line\nbreak", "trailing\n", "x".repeat(1100), "{a}", "[a]", ",", "a,b", "<<", "=", "true"],
    ...["y", "Y", "n", "off", "0o17", "0b101", "1.0.0", "v1", "a/b", "x.", "1_0", "190:20:30"],
    ...["2001-12-14t21:59:43.10-05:00", "Null", "NULL", "+1", "1.", ".5", "0", "00", "09"],
    ...[0, -0, 1.5, 1e21, -7, true, false, null],
  ];
  const shapes = (v: unknown): unknown[] => [
    { apiVersion: "v1", kind: "K", value: v },
    { apiVersion: "v1", kind: "K", list: [v, { name: v, also: [v] }] },
    { apiVersion: "v1", kind: "K", map: { [String(v)]: v } },
    { apiVersion: "v1", kind: "K", nested: [[v]], empty: {}, none: [], deep: [{ a: { b: [v] } }] },
  ];

  it.each(awkward.map((v) => [JSON.stringify(v).slice(0, 40), v] as const))(
    "for %s in every place",
    (_, value) => {
      for (const object of shapes(value)) expect(toYaml(object)).toBe(toYamlByYaml(object));
    },
  );

  it("for keys that JavaScript orders as numbers", () => {
    const object = { apiVersion: "v1", kind: "K", data: { b: "1", "10": "x", "2": "y", a: "z" } };
    expect(toYaml(object)).toBe(toYamlByYaml(object));
  });
});
