/**
 * `npm run screenshots`: the README's two pictures of the task screen, from the end-to-end
 * suite's screenshots (run it first), shrunk with pngquant (Debian's `pngquant`) into docs/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const FRONTEND = resolve(import.meta.dirname, "..");
const DOCS = resolve(FRONTEND, "../../docs");
const PICTURES = [
  ["tasks-390x844-light.png", "frontend-phone.png"],
  ["tasks-1280x800-light.png", "frontend-desktop.png"],
];

for (const [shot, doc] of PICTURES) {
  const from = join(FRONTEND, "test-results/screens", shot!);
  if (!existsSync(from)) throw new Error(`${from} is missing: run the end-to-end tests first`);
  const to = join(DOCS, doc!);
  try {
    execFileSync("pngquant", [
      "--force",
      "--skip-if-larger",
      "--strip",
      "--speed",
      "1",
      "--quality",
      "70-90",
      "--output",
      to,
      from,
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error("pngquant is missing: apt-get install pngquant");
    throw error;
  }
  console.log(`${to}: ${Math.round(statSync(to).size / 1024)} KB`);
}
