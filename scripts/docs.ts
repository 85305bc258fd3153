/**
 * `npm run docs`: writes the README's table of output rules from the rules themselves
 * (generate/rules/index.ts), between its markers. test/rules.test.ts fails when they differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rulesTable } from "../generate/rules/index.ts";

export const START = "<!-- rules:start (npm run docs) -->";
export const END = "<!-- rules:end -->";

/** The README with its rules block replaced by the current table. */
export function withRulesTable(readme: string): string {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from === -1 || to < from) throw new Error(`README.md has no ${START} ... ${END} block`);
  return `${readme.slice(0, from + START.length)}\n\n${rulesTable()}\n\n${readme.slice(to)}`;
}

if (import.meta.main) {
  const file = join(import.meta.dirname, "..", "README.md");
  writeFileSync(file, withRulesTable(readFileSync(file, "utf8")));
}
