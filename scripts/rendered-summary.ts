/**
 * `npm run summary -- --base DIR --head DIR`: a pull-request comment (Markdown) that summarises
 * how the rendered output changes, per environment and per object: added, removed, and which
 * fields changed. It never prints a value, so a secret can never leak through it; reviewers read
 * values in the diff itself.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";

/** The marker by which the workflow finds its own comment to update it. */
export const MARKER = "<!-- todo-gitops:rendered-summary -->";
const ROOTS = ["rendered", "argocd"];

type Json = unknown;
interface ObjectChange {
  object: string;
  change: "added" | "removed" | "changed";
  fields: string[];
}

/** Every YAML object under rendered/ and argocd/ of a checkout: path -> object. */
export async function readTree(root: string): Promise<Map<string, Json>> {
  const objects = new Map<string, Json>();
  for (const top of ROOTS) {
    let entries: string[];
    try {
      entries = await readdir(join(root, top), { recursive: true });
    } catch {
      continue;
    }
    for (const entry of entries.filter((e) => e.endsWith(".yaml")).sort()) {
      objects.set(`${top}/${entry}`, parse(await readFile(join(root, top, entry), "utf8")));
    }
  }
  return objects;
}

/** Items of a list are matched by `name` when they have one (containers, env, ports, volumes). */
function keyed(list: Json[]): Map<string, Json> | undefined {
  const names = list.map((item) =>
    item !== null && typeof item === "object" ? (item as { name?: unknown }).name : undefined,
  );
  if (names.some((n) => typeof n !== "string") || new Set(names).size !== names.length)
    return undefined;
  return new Map(list.map((item, i) => [names[i] as string, item]));
}

/** The paths of the leaves that differ between two values, e.g. `spec.template.spec.containers[backend].image`. */
export function changedFields(before: Json, after: Json, path = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: Json) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = keyed(before);
    const b = keyed(after);
    if (a !== undefined && b !== undefined) {
      const names = [...new Set([...a.keys(), ...b.keys()])];
      return names.flatMap((n) => changedFields(a.get(n), b.get(n), `${path}[${n}]`));
    }
    return [path === "" ? "(root)" : path];
  }
  if (isObject(before) && isObject(after)) {
    const x = before as Record<string, Json>;
    const y = after as Record<string, Json>;
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
    return keys.flatMap((k) => changedFields(x[k], y[k], path === "" ? k : `${path}.${k}`));
  }
  return [path === "" ? "(root)" : path];
}

const describe = (o: Json) => {
  const object = (o ?? {}) as { kind?: string; metadata?: { name?: string } };
  return `${object.kind ?? "?"}/${object.metadata?.name ?? "?"}`;
};
/** `rendered/staging/x.yaml` -> `staging`; `argocd/x.yaml` -> `argocd/`. */
const groupOf = (path: string) =>
  path.startsWith("rendered/") ? (path.split("/")[1] ?? "") : "argocd/";

/** Changes per group (environment, or argocd/), each sorted by object. */
export function summarize(
  base: Map<string, Json>,
  head: Map<string, Json>,
): Map<string, ObjectChange[]> {
  const groups = new Map<string, ObjectChange[]>();
  const add = (path: string, change: ObjectChange) => {
    const group = groupOf(path);
    groups.set(group, [...(groups.get(group) ?? []), change]);
  };
  for (const path of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const before = base.get(path);
    const after = head.get(path);
    if (before === undefined) add(path, { object: describe(after), change: "added", fields: [] });
    else if (after === undefined)
      add(path, { object: describe(before), change: "removed", fields: [] });
    else {
      const fields = changedFields(before, after);
      if (fields.length > 0) add(path, { object: describe(after), change: "changed", fields });
    }
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const MAX_FIELDS = 12;

export function markdown(groups: Map<string, ObjectChange[]>): string {
  const lines = [MARKER, "### Rendered output changes", ""];
  if (groups.size === 0) {
    lines.push("No object under `rendered/` or `argocd/` changes.");
  }
  for (const [group, changes] of groups) {
    const count = (c: ObjectChange["change"]) => changes.filter((x) => x.change === c).length;
    const title = group === "argocd/" ? "`argocd/`" : `environment **${group}**`;
    lines.push(
      `#### ${title}: ${count("added")} added, ${count("removed")} removed, ${count("changed")} changed`,
      "",
    );
    for (const c of changes) {
      if (c.change !== "changed") {
        lines.push(`- ${c.change}: \`${c.object}\``);
        continue;
      }
      const shown = c.fields
        .slice(0, MAX_FIELDS)
        .map((f) => `\`${f}\``)
        .join(", ");
      const more = c.fields.length > MAX_FIELDS ? `, and ${c.fields.length - MAX_FIELDS} more` : "";
      lines.push(`- changed: \`${c.object}\`: ${shown}${more}`);
    }
    lines.push("");
  }
  lines.push(
    "Field names only: values are never shown here. Read them in the pull request's diff.",
    "",
  );
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { base: { type: "string" }, head: { type: "string" }, output: { type: "string" } },
  });
  if (values.base === undefined || values.head === undefined) {
    process.stderr.write("usage: rendered-summary.ts --base DIR --head DIR [--output FILE]\n");
    return 2;
  }
  const text = markdown(summarize(await readTree(values.base), await readTree(values.head)));
  if (values.output !== undefined) await writeFile(values.output, text);
  else process.stdout.write(text);
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
