/**
 * Generated environments for the benchmark (`npm run bench`): `count`
 * copies of environments/staging.ts named env-0000, env-0001, ..., each with its own namespace and
 * ingress host (render refuses two environments on one cluster and namespace, or on one host), and
 * each with staging's images under its own name in images.json. They are written into a scratch
 * root, never into the repository.
 */
import { readFile, rm, symlink, writeFile } from "node:fs/promises";
import { cp } from "node:fs/promises";
import { join, resolve } from "node:path";
import { environmentNames } from "../generate/shell/load.ts";

const REPO = resolve(import.meta.dirname, "..");

/** The name of generated environment `i`. */
export const generatedName = (i: number) => `env-${String(i).padStart(4, "0")}`;

/**
 * Makes `root` a repository root holding `count` generated environments (and no other), plus what
 * they import: the committed environments/ folder's other files, and generate/ (linked).
 * Returns the environment names.
 */
export async function writeEnvironments(root: string, count: number): Promise<string[]> {
  const dir = join(root, "environments");
  await cp(join(REPO, "environments"), dir, { recursive: true });
  for (const name of await environmentNames(dir)) await rm(join(dir, `${name}.ts`));
  // Environment files may import from ../generate/ (types today); keep that path resolvable.
  await symlink(join(REPO, "generate"), join(root, "generate"), "dir").catch(() => undefined);

  // staging.ts, its default export kept as `base`, then each copy's own name, namespace and host.
  const staging = await readFile(join(REPO, "environments", "staging.ts"), "utf8");
  if (!/^export default /m.test(staging)) {
    throw new Error("environments/staging.ts has no `export default`: update writeEnvironments");
  }
  const base = staging.replace(/^export default /m, "const base = ");
  const images = JSON.parse(await readFile(join(REPO, "environments", "images.json"), "utf8"));
  const names = Array.from({ length: count }, (_, i) => generatedName(i));
  const generatedImages: Record<string, unknown> = {};
  for (const name of names) {
    generatedImages[name] = images.staging;
    await writeFile(
      join(dir, `${name}.ts`),
      `${base}
export default {
  ...base,
  name: "${name}",
  namespace: "todo-${name}",
  routing: { ...base.routing, host: "${name}.staging.example.com" },
};
`,
    );
  }
  await writeFile(join(dir, "images.json"), `${JSON.stringify(generatedImages, null, 2)}\n`);
  // As in the repository: environment files are ES modules by the root's package.json (without
  // it Node would parse each file twice to find out).
  await writeFile(join(root, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
  return names;
}
