/**
 * `plain`: the model as JSON data, in one walk. It must give what a JSON round trip gives, key
 * order included, and walk (not round-trip) every object the repository renders.
 */
import { ConfigMap } from "kubernetes-models/v1";
import { afterEach, describe, expect, it, vi } from "vitest";
import { argocdObjects } from "../generate/objects/argocd.ts";
import { buildObjects, renderEnvironment } from "../generate/pipeline/render.ts";
import { plain } from "../generate/pipeline/validate.ts";
import type { Validatable } from "../generate/types.ts";
import { ENVIRONMENTS } from "./helpers.ts";

const roundTrip = (model: Validatable) => JSON.stringify(JSON.parse(JSON.stringify(model)));
/** The round trip as data: -0 and array holes show here, not in a string of it. */
const roundTripped = (model: Validatable) => JSON.parse(JSON.stringify(model)) as unknown;

afterEach(() => vi.restoreAllMocks());

describe("plain", () => {
  const objects = ENVIRONMENTS.flatMap((env) =>
    renderEnvironment(env).entries.map((e) => e.object),
  );
  const models = [
    ...ENVIRONMENTS.flatMap((env) => buildObjects(env)),
    ...argocdObjects(ENVIRONMENTS, objects),
  ];

  it("equals the JSON round trip of every model the repository renders, without taking it", () => {
    const parse = vi.spyOn(JSON, "parse");
    const copies = models.map(plain);
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(copies.map((c) => JSON.stringify(c))).toEqual(models.map(roundTrip));
    copies.forEach((copy, i) => expect(copy).toStrictEqual(roundTripped(models[i]!)));
  });

  it("shares nothing with the model: changing the copy leaves the model as it was", () => {
    const model = models[0]!;
    const before = roundTrip(model);
    const copy = plain(model) as { metadata: { labels?: Record<string, string> } };
    copy.metadata.labels = { changed: "yes" };
    expect(roundTrip(model)).toBe(before);
  });

  class Point {
    x = 1;
  }
  it.each([
    ["a Date (its own toJSON)", new Date(0)],
    ["a number JSON cannot hold", Number.NaN],
    ["undefined and a function in an array", [1, undefined, () => 2]],
    ["a class instance", new Point()],
    ["a Map", new Map([["a", 1]])],
    ["minus zero", -0],
    ["minus zero in an array", [1, -0]],
    ["an array with a hole", [1, , 2]],
    ["undefined, a function and a symbol as values", { a: undefined, b: () => 1, c: Symbol("c") }],
  ])("copies %s as JSON does", (_, odd) => {
    const model = new ConfigMap({ metadata: { name: "odd" }, data: { odd: odd as never } });
    expect(JSON.stringify(plain(model))).toBe(roundTrip(model));
    expect(plain(model)).toStrictEqual(roundTripped(model));
  });
});
