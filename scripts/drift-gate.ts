/**
 * `npm run drift-gate`: CI's gate. Renders from scratch into the working tree, then asks git
 * whether anything under rendered/ or argocd/ differs from the commit: a changed, missing or
 * new (untracked) file fails. On failure it prints the diff and the fix, writes both to the
 * GitHub job summary ($GITHUB_STEP_SUMMARY) and emits an error annotation.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { renderRoot } from "../generate/cli.ts";
import { OUTPUT_ROOTS } from "../generate/render.ts";
import { writeOutput } from "../generate/writer.ts";

export const FIX = "npm run render && git add rendered argocd && git commit";

/** Runs git; `ok` lists the exit codes that are not failures (`git diff --no-index` exits 1 on a difference). */
function git(root: string, args: string[], ok: number[] = [0]): string {
  const result = spawnSync("git", args, {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!ok.includes(result.status ?? -1))
    throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** Escapes a message for a GitHub workflow command (`::error ...::message`). */
const annotation = (text: string) =>
  text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { root: { type: "string", default: process.cwd() } },
  });
  const root = values.root;
  const files = await renderRoot(root);
  if (files === undefined) return 2;
  await writeOutput(root, files);
  // Untracked files count: an object the commit lacks is drift too.
  const status = git(root, [
    "status",
    "--porcelain",
    "--untracked-files=all",
    "--",
    ...OUTPUT_ROOTS,
  ]).trimEnd();
  if (status === "") {
    process.stdout.write(
      `drift gate: the committed rendered/ and argocd/ are exactly the generator's output (${files.size} files)\n`,
    );
    return 0;
  }
  const lines = status.split("\n");
  const changed = lines.map((line) => line.slice(3));
  const untracked = lines.filter((line) => line.startsWith("?? ")).map((line) => line.slice(3));
  const diff = [
    git(root, ["diff", "--no-color", "--", ...OUTPUT_ROOTS]),
    ...untracked.map((file) =>
      git(root, ["diff", "--no-color", "--no-index", "--", "/dev/null", file], [0, 1]),
    ),
  ].join("");
  process.stdout.write(
    `${diff}\ndrift gate: ${changed.length} file(s) differ from the generator's output:\n${status}\n\nFix: ${FIX}\n`,
  );
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary !== undefined && summary !== "") {
    appendFileSync(
      summary,
      [
        "## Rendered output drift",
        "",
        `The committed \`rendered/\` and \`argocd/\` differ from what the generator produces (${changed.length} file(s)):`,
        "",
        ...changed.map((file) => `- \`${file}\``),
        "",
        "Fix it locally and push:",
        "",
        "```sh",
        FIX,
        "```",
        "",
        "<details><summary>Diff</summary>",
        "",
        "```diff",
        diff.length > 60_000
          ? `${diff.slice(0, 60_000)}\n… (cut; run the fix locally for the rest)`
          : diff,
        "```",
        "",
        "</details>",
        "",
      ].join("\n"),
    );
  }
  if (process.env.GITHUB_ACTIONS === "true") {
    process.stdout.write(
      `::error title=Rendered output drift::${annotation(`${changed.length} file(s) under rendered/ or argocd/ differ from the generator: ${changed.join(", ")}. Fix: ${FIX}`)}\n`,
    );
  }
  return 1;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
