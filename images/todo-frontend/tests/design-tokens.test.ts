/**
 * The design system's rule: sizes, colours and durations are defined once, as custom properties
 * in the :root blocks of app/globals.css; every other rule uses them. This test reads the CSS and
 * the components and fails on a pixel value, a length, a colour or a duration written anywhere else.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { THEME_COLOR } from "../lib/theme";

const FRONTEND = resolve(import.meta.dirname, "..");
const css = readFileSync(join(FRONTEND, "app/globals.css"), "utf8").replace(
  /\/\*[\s\S]*?\*\//g,
  "",
);
const TOKEN_BLOCK = /:root\s*\{[^}]*\}/g;

/** Custom properties defined in the n-th :root block. */
function tokens(block: string): Map<string, string> {
  return new Map(
    [...block.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]),
  );
}
const blocks = [...css.matchAll(TOKEN_BLOCK)].map((m) => m[0]);
const light = tokens(blocks[0] ?? "");
const dark = tokens(
  /@media \(prefers-color-scheme: dark\)\s*\{\s*(:root\s*\{[^}]*\})/.exec(css)?.[1] ?? "",
);

/** The rules outside the token blocks, without media query conditions. */
const rules = css.replace(TOKEN_BLOCK, "").replace(/@media[^{]*\{/g, "{");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe("design tokens", () => {
  it("defines the scales once: type, space, control height, colours", () => {
    for (const name of [
      "--text-sm",
      "--text-base",
      "--text-lg",
      "--text-2xl",
      "--space-1",
      "--space-4",
      "--space-8",
      "--control-height",
      "--radius-md",
      "--color-bg",
      "--color-text",
      "--color-accent",
      "--color-danger",
    ])
      expect(light.has(name), name).toBe(true);
  });

  it("uses no pixel value, length, colour or duration outside the token blocks", () => {
    // The whole viewport (100vw, 100dvh) is not a design value; every other length is.
    const offenders = [
      ...rules.matchAll(
        /[^\w-]((?!100(?:vw|dvh)\b)\d*\.?\d+(?:px|rem|em|ms|s|vh|vw|dvh)\b|#[0-9a-fA-F]{3,8}\b|(?:rgb|rgba|hsl|hsla)\()/g,
      ),
    ].map((m) => `${m[1]} in “${rules.slice(Math.max(0, m.index - 40), m.index + 20).trim()}”`);
    expect(offenders).toEqual([]);
  });

  it("gives dark mode a value for every colour, following the system setting", () => {
    const colours = [...light.keys()].filter((k) => k.startsWith("--color-"));
    expect(colours.length).toBeGreaterThan(10);
    expect(colours.filter((k) => !dark.has(k))).toEqual([]);
    expect(css).toMatch(/color-scheme:\s*light dark/);
  });

  it("tells the browser's own chrome the same background as the page", () => {
    expect(light.get("--color-bg")).toBe(THEME_COLOR.light);
    expect(dark.get("--color-bg")).toBe(THEME_COLOR.dark);
  });

  it("has no inline styles in the components", () => {
    const inline = [join(FRONTEND, "app"), join(FRONTEND, "components")]
      .flatMap(sources)
      .filter((file) => /style=\{/.test(readFileSync(file, "utf8")));
    expect(inline).toEqual([]);
  });
});
