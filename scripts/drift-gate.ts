/**
 * `npm run drift-gate`: CI's first verdict on a change. Renders in memory and compares with the
 * checked-out rendered/ and argocd/ through `findDrift`, the same comparison as `npm run check`:
 * a changed, missing or extra file fails. It writes nothing to the tree. On failure it prints the
 * diff and the fix, writes both to the GitHub job summary ($GITHUB_STEP_SUMMARY) and emits one
 * error annotation naming the files. Exit codes: 0 no drift, 1 drift, 2 invalid environment data.
 */
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { renderRoot } from "../generate/shell/cli.ts";
import { type Drift, findDrift } from "../generate/shell/writer.ts";

export const FIX = "npm run render && git add rendered argocd && git commit";

/** What each kind of drift means, for people who did not write the generator. */
const MEANING: Record<Drift["change"], string> = {
  changed: "differs from what the generator produces",
  missing: "is produced by the generator but not committed",
  extra: "is committed but the generator no longer produces it",
};

/** The summary shows at most this much diff; the log and a local run show all of it. */
const SUMMARY_DIFF_LIMIT = 60_000;

type Listed = Pick<Drift, "path" | "change">;

/** The message of the one error annotation (title "Rendered output drift"). */
export function annotationMessage(drift: readonly Listed[]): string {
  const files = drift.map((d) => `${d.path} (${d.change})`).join(", ");
  return `${drift.length} file(s) under rendered/ or argocd/ differ from the generator: ${files}. Fix: ${FIX}`;
}

/** Escapes a message for a GitHub workflow command (`::error ...::message`). */
const escapeCommand = (text: string) =>
  text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

/** A Markdown code fence longer than any run of backticks in `text`, so it cannot be closed early. */
function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

/** The job summary: the files and what is wrong with each, the fix, then the diff (folded). */
export function jobSummary(drift: readonly Drift[]): string {
  const diff = drift.map((d) => d.diff).join("");
  const shown =
    diff.length > SUMMARY_DIFF_LIMIT
      ? `${diff.slice(0, SUMMARY_DIFF_LIMIT)}\n… (cut here; run the fix locally for the rest)\n`
      : diff;
  const f = fence(shown);
  return [
    "## Rendered output drift",
    "",
    `The committed \`rendered/\` and \`argocd/\` are not what the generator produces (${drift.length} file(s)):`,
    "",
    ...drift.map((d) => `- \`${d.path}\` ${MEANING[d.change]}`),
    "",
    "Fix it locally and push:",
    "",
    "```sh",
    FIX,
    "```",
    "",
    "<details><summary>Diff (committed → generated)</summary>",
    "",
    `${f}diff`,
    shown.trimEnd(),
    f,
    "",
    "</details>",
    "",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { root: { type: "string", default: process.cwd() } },
  });
  const inActions = process.env.GITHUB_ACTIONS === "true";
  const files = await renderRoot(values.root);
  if (files === undefined) {
    // renderRoot has printed the environment, field and rule.
    if (inActions)
      process.stdout.write(
        "::error title=Invalid environment data::The environments do not validate, so nothing was rendered; the log above names the environment, field and rule.\n",
      );
    return 2;
  }
  const drift = findDrift(values.root, files);
  if (drift.length === 0) {
    process.stdout.write(
      `drift gate: the committed rendered/ and argocd/ are exactly the generator's output (${files.size} files)\n`,
    );
    return 0;
  }
  process.stdout.write(
    [
      drift.map((d) => d.diff).join(""),
      `drift gate: ${drift.length} file(s) differ from the generator's output:`,
      ...drift.map((d) => `  ${d.change.padEnd(7)} ${d.path}`),
      "",
      `Fix: ${FIX}`,
      "",
    ].join("\n"),
  );
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary !== undefined && summary !== "") appendFileSync(summary, jobSummary(drift));
  if (inActions) {
    process.stdout.write(
      `::error title=Rendered output drift::${escapeCommand(annotationMessage(drift))}\n`,
    );
  }
  return 1;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
