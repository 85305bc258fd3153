// The entry point of `npm run render` and `npm run check`: runs generate/cli.ts from a bundle.
//
// Why: loading the generator as ~900 separate ES modules (kubernetes-models ships one file per
// type and per schema) costs ~0.25 s of module resolution before any work starts; one bundle
// with V8's compile cache starts in a fraction of that (see `npm run bench`). The bundle is a
// build cache, never committed: it lives in node_modules/.cache, is keyed by the content of the
// generator's sources and the lockfile, and is rebuilt by esbuild when any of them changes. The
// output is the same bytes either way; the tests run the unbundled sources and this launcher.
//
// Plain JavaScript on purpose: a .ts launcher would load Node's type stripper before anything.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import module from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const cacheDir = join(repo, "node_modules", ".cache", "todo-gitops");

/** The generator's own sources: what the bundle is built from, besides node_modules. */
function sources() {
  const files = [
    fileURLToPath(import.meta.url),
    join(repo, "package-lock.json"),
    join(repo, "environments", "defaults.ts"),
  ];
  for (const entry of readdirSync(join(repo, "generate"), { recursive: true })) {
    if (String(entry).endsWith(".ts")) files.push(join(repo, "generate", String(entry)));
  }
  return files.sort();
}

function bundleKey() {
  const hash = createHash("sha256");
  for (const file of sources())
    hash.update(file).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
}

async function build(target) {
  const esbuild = await import("esbuild");
  const temporary = `${target}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [join(repo, "generate", "cli.ts")],
    outfile: temporary,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    logLevel: "warning",
    // The alias below is resolved from the working directory: make that the repository, so a
    // first run from elsewhere (`--root`, a test's scratch folder) builds the same bundle.
    absWorkingDir: repo,
    // ajv-formats asks for `punycode`, which Node would answer with its deprecated built-in.
    alias: { punycode: "punycode/punycode.js" },
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  renameSync(temporary, target);
  // Bundles of earlier sources are never used again.
  for (const old of readdirSync(dirname(target))) {
    if (/^cli-[0-9a-f]+\.mjs$/.test(old) && join(dirname(target), old) !== target) {
      rmSync(join(dirname(target), old), { force: true });
    }
  }
}

mkdirSync(cacheDir, { recursive: true });
module.enableCompileCache?.(join(cacheDir, "v8"));
const bundle = join(cacheDir, `cli-${bundleKey()}.mjs`);
if (!existsSync(bundle)) await build(bundle);
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
