/**
 * The pull-request comment (Markdown) that summarises how the rendered output changes: first the
 * risks (review.ts: what the API server will refuse, what prune deletes, images, scale,
 * resources, probes, Argo CD policy, which environments sync on merge), then per environment and
 * per object what is added, removed, and each changed field with its old and new value (masked
 * where it could be a secret).
 *
 *   rendered-summary.ts --base DIR --head DIR [--output FILE]          two checkouts
 *   rendered-summary.ts --git REPO --base SHA --head SHA [--output FILE]  two commits' objects
 *       [--full-output FILE]   the whole text, uncut, for the job summary
 *       [--applies FILE]       apply-check.ts --json: what the API server refused
 *   rendered-summary.ts pull-request --pulls FILE --head-sha SHA --head-repository OWNER/NAME
 *       [--github-output FILE]
 *
 * The comment workflow runs this file from the default branch, never from the pull request: it
 * reads the pull request's rendered/ and argocd/ straight from git objects (`--git`), as data,
 * and finds the pull request from the workflow run's head commit and repository
 * (`pull-request`). Everything taken from those files is shown as inline code, so no Markdown,
 * HTML, link or mention in them reaches the comment.
 */
import { spawnSync } from "node:child_process";
import { appendFile, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { z } from "zod";
import { describe, groupOf, type Risk, risks as findRisks, showValue, valueAt } from "./review.ts";

/** The marker by which the workflow finds its own comment to update it. */
export const MARKER = "<!-- todo-gitops:rendered-summary -->";
const ROOTS = ["rendered", "argocd"];
const SHA = /^[0-9a-f]{40}$/;

type Json = unknown;
interface ObjectChange {
  object: string;
  change: "added" | "removed" | "changed";
  fields: FieldChange[];
}
interface FieldChange {
  path: string;
  before: string;
  after: string;
}

/** Every YAML file under rendered/ and argocd/ of a checkout: path -> object. Symlinks are skipped. */
export async function readTree(root: string): Promise<Map<string, Json>> {
  const objects = new Map<string, Json>();
  for (const top of ROOTS) {
    let entries;
    try {
      entries = await readdir(join(root, top), { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    const files = entries
      .filter((e) => e.isFile() && e.name.endsWith(".yaml"))
      .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
      .sort();
    for (const file of files) objects.set(file, parse(await readFile(join(root, file), "utf8")));
  }
  return objects;
}

function git(repo: string, args: string[], input?: string): Buffer {
  const result = spawnSync("git", args, { cwd: repo, input, maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Every YAML file under rendered/ and argocd/ of commit `rev`, read from the object store of
 * `repo` without a work tree: regular files only (a symlink or submodule is never followed).
 */
export function readTreeAt(repo: string, rev: string): Map<string, Json> {
  if (!SHA.test(rev)) throw new Error(`not a full commit SHA: ${JSON.stringify(rev)}`);
  const entries = git(repo, ["ls-tree", "-r", "-z", "--full-tree", rev, "--", ...ROOTS])
    .toString("utf8")
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, oid] = line.slice(0, tab).split(" ");
      return { mode, type, oid: oid ?? "", path: line.slice(tab + 1) };
    })
    .filter(
      (e) =>
        e.type === "blob" &&
        (e.mode === "100644" || e.mode === "100755") &&
        e.path.endsWith(".yaml"),
    )
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const objects = new Map<string, Json>();
  if (entries.length === 0) return objects;
  // One `git cat-file --batch`: "<oid> blob <size>\n<content>\n" per object, in order.
  const out = git(repo, ["cat-file", "--batch"], entries.map((e) => e.oid).join("\n") + "\n");
  let at = 0;
  for (const entry of entries) {
    const eol = out.indexOf(0x0a, at);
    const [oid, type, size] = out.subarray(at, eol).toString("utf8").split(" ");
    if (oid !== entry.oid || type !== "blob")
      throw new Error(`unexpected object for ${entry.path}`);
    const start = eol + 1;
    const end = start + Number(size);
    objects.set(entry.path, parse(out.subarray(start, end).toString("utf8")));
    at = end + 1;
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
      const kind = (after as { kind?: string } | null)?.kind;
      const fields = changedFields(before, after).map((field) => ({
        path: field,
        before: showValue(field === "(root)" ? before : valueAt(before, field), field, kind),
        after: showValue(field === "(root)" ? after : valueAt(after, field), field, kind),
      }));
      if (fields.length > 0) add(path, { object: describe(after), change: "changed", fields });
    }
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const MAX_CODE = 120;
/** A risk's message (an API server's refusal, an image reference) is longer than a name. */
const MAX_RISK = 400;
/**
 * Text from the compared files (kinds, names, keys, folder names) as one inline code span:
 * backticks, control and bidirectional-override characters become `?`, and it is cut at
 * MAX_CODE characters. Inside a code span GitHub renders no Markdown, HTML, link or mention.
 */
export function code(text: string, max = MAX_CODE): string {
  const clean = text.replace(
    /[\u0000-\u001f\u007f-\u009f`\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g,
    "?",
  );
  return `\`${clean.length > max ? `${clean.slice(0, max)}…` : clean}\``;
}

const MAX_FIELDS = 12;
/** GitHub refuses comments over 65,536 characters; the summary stays well under. */
export const MAX_CHARS = 60_000;
const FOOTER =
  "Values are the committed files'; a Secret's, or a key that looks like a credential's, are masked.";

const RISK_TITLES: Record<Risk["kind"], string> = {
  refused: "refused by the API server",
  pruned: "deleted by prune",
  image: "image",
  scale: "replicas",
  resources: "resources",
  probes: "probes",
  argocd: "Argo CD",
  sync: "on merge",
};

/** The risks section: the environments' risks in the order of RISK_TITLES, then on-merge. */
function riskLines(found: readonly Risk[], groups: ReadonlyMap<string, unknown>): string[] {
  const relevant = found.filter((r) => r.kind !== "sync" || groups.has(r.group));
  if (relevant.length === 0) return [];
  const order = Object.keys(RISK_TITLES);
  const sorted = [...relevant].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const where = (group: string) => (group === "argocd/" ? "`argocd/`" : code(group));
  return [
    "#### Risks",
    "",
    ...sorted.map(
      (r) =>
        `- **${RISK_TITLES[r.kind]}**: ${where(r.group)} ${code(r.object)}: ${code(r.message, MAX_RISK)}`,
    ),
    "",
  ];
}

export function markdown(
  groups: Map<string, ObjectChange[]>,
  commits?: { base: string; head: string },
  found: readonly Risk[] = [],
  limit: number = MAX_CHARS,
): string {
  const head = [MARKER, "### Rendered output changes", ""];
  if (commits !== undefined) {
    head.push(
      `Committed \`rendered/\` and \`argocd/\` of ${code(commits.head.slice(0, 12))} against the base ${code(commits.base.slice(0, 12))}.`,
      "",
    );
  }
  const body: string[] = [...riskLines(found, groups)];
  if (groups.size === 0) body.push("No object under `rendered/` or `argocd/` changes.", "");
  for (const [group, changes] of groups) {
    const count = (c: ObjectChange["change"]) => changes.filter((x) => x.change === c).length;
    const title = group === "argocd/" ? "`argocd/`" : `environment ${code(group)}`;
    body.push(
      `#### ${title}: ${count("added")} added, ${count("removed")} removed, ${count("changed")} changed`,
      "",
    );
    for (const c of changes) {
      if (c.change !== "changed") {
        body.push(`- ${c.change}: ${code(c.object)}`);
        continue;
      }
      body.push(`- changed: ${code(c.object)}`);
      for (const f of c.fields.slice(0, MAX_FIELDS)) {
        body.push(`  - ${code(f.path)}: ${code(f.before)} → ${code(f.after)}`);
      }
      if (c.fields.length > MAX_FIELDS) {
        body.push(`  - and ${c.fields.length - MAX_FIELDS} more field(s): see the diff`);
      }
    }
    body.push("");
  }
  // Cut whole lines so that the comment, with the note and the footer, fits.
  let budget = limit - [...head, FOOTER].join("\n").length - 200;
  let kept = 0;
  while (kept < body.length && budget - (body[kept]!.length + 1) >= 0) {
    budget -= body[kept]!.length + 1;
    kept += 1;
  }
  const cut =
    kept < body.length
      ? [
          `… cut here: ${body.length - kept} more line(s), left out to stay within GitHub's comment limit. The job summary of this comment's workflow run has the full text.`,
          "",
        ]
      : [];
  return [...head, ...body.slice(0, kept), ...cut, FOOTER, ""].join("\n");
}

interface AppliesOutcome {
  environment: string;
  object: string;
  result: string;
  message?: string;
}

/** Each object the API server refused when the head was applied over the base, as a risk. */
export function refusals(outcomes: readonly AppliesOutcome[]): Risk[] {
  return outcomes
    .filter((o) => o.result === "refused")
    .map((o) => ({
      kind: "refused" as const,
      group: o.environment,
      object: o.object,
      message: `applied over the base on a real API server, it was refused: ${o.message ?? "(no message)"}`,
    }));
}

const pullsSchema = z.array(
  z.object({
    number: z.number().int().positive(),
    head: z.object({ sha: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
    base: z.object({ sha: z.string().regex(SHA) }),
  }),
);

export type Resolution = { number: number; baseSha: string } | { skip: string };

/**
 * The one open pull request whose head is commit `headSha` of repository `headRepository`, both
 * taken from the `workflow_run` event (GitHub sets them; the pull request's code cannot). `pulls`
 * is the REST list of open pull requests, flat or as pages (`gh api --paginate --slurp`).
 */
export function pullRequestFor(
  pulls: unknown,
  run: { headSha: string; headRepository: string },
): Resolution {
  if (!SHA.test(run.headSha)) throw new Error(`not a full commit SHA: ${run.headSha}`);
  const list = pullsSchema.parse(Array.isArray(pulls) ? pulls.flat() : pulls);
  const matches = list.filter(
    (p) =>
      p.head.sha === run.headSha &&
      p.head.repo?.full_name.toLowerCase() === run.headRepository.toLowerCase(),
  );
  const what = `${run.headRepository}@${run.headSha.slice(0, 12)}`;
  if (matches.length === 0)
    return {
      skip: `no open pull request has head ${what} (closed, or a newer commit was pushed and its own run will comment)`,
    };
  if (matches.length > 1)
    return {
      skip: `${matches.length} open pull requests (${matches.map((p) => `#${p.number}`).join(", ")}) have head ${what}; not guessing which`,
    };
  const [pr] = matches;
  return { number: pr!.number, baseSha: pr!.base.sha };
}

async function pullRequestCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      pulls: { type: "string" },
      "head-sha": { type: "string" },
      "head-repository": { type: "string" },
      "github-output": { type: "string" },
    },
  });
  const { pulls, "head-sha": headSha, "head-repository": headRepository } = values;
  if (pulls === undefined || headSha === undefined || headRepository === undefined) {
    process.stderr.write(
      "usage: rendered-summary.ts pull-request --pulls FILE --head-sha SHA --head-repository OWNER/NAME [--github-output FILE]\n",
    );
    return 2;
  }
  const found = pullRequestFor(JSON.parse(await readFile(pulls, "utf8")), {
    headSha,
    headRepository,
  });
  if ("skip" in found) {
    process.stdout.write(`::notice title=No rendered summary::${found.skip}\n`);
    return 0;
  }
  const lines = `number=${found.number}\nbase-sha=${found.baseSha}\n`;
  if (values["github-output"] !== undefined) await appendFile(values["github-output"], lines);
  else process.stdout.write(lines);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "pull-request") return pullRequestCommand(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: "string" },
      head: { type: "string" },
      git: { type: "string" },
      output: { type: "string" },
      "full-output": { type: "string" },
      applies: { type: "string" },
    },
  });
  const { base, head, git: repo } = values;
  if (base === undefined || head === undefined) {
    process.stderr.write(
      "usage: rendered-summary.ts --base DIR --head DIR [--output FILE]\n" +
        "       rendered-summary.ts --git REPO --base SHA --head SHA [--output FILE]\n",
    );
    return 2;
  }
  const [before, after] =
    repo === undefined
      ? [await readTree(base), await readTree(head)]
      : [readTreeAt(repo, base), readTreeAt(repo, head)];
  const commits = repo === undefined ? undefined : { base, head };
  const groups = summarize(before, after);
  // The applicability check's refusals (apply-check.ts --json), in the API server's words.
  const applied =
    values.applies === undefined
      ? []
      : (JSON.parse(await readFile(values.applies, "utf8")) as AppliesOutcome[]);
  const found = [...refusals(applied), ...findRisks(before, after)];
  const text = markdown(groups, commits, found);
  if (values.output !== undefined) await writeFile(values.output, text);
  else process.stdout.write(text);
  // The job summary takes up to 1 MiB: the whole text, uncut.
  if (values["full-output"] !== undefined) {
    await writeFile(values["full-output"], markdown(groups, commits, found, 1_000_000));
  }
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
