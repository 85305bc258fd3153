// The entry point of `npm run render` and `npm run check`. Plain JavaScript, so that a Node that
// cannot run the generator (TypeScript, run by Node's own type stripping) is told so instead of
// failing on the first `.ts` import, or doing nothing at all.
import module from "node:module";

const NEEDED = 24;
const major = Number(process.versions.node.split(".")[0]);
if (major < NEEDED) {
  process.stderr.write(
    `todo-gitops needs Node ${NEEDED} or newer; this is Node ${process.version}.\n` +
      `Run it through npm (npm run render), which uses the Node the project pins in package.json.\n`,
  );
  process.exit(2);
}
// V8's compile cache (Node's own, in the system's temporary folder, keyed by each file's content).
module.enableCompileCache?.();
const { loadGenerator } = await import("./load-cache.mjs");
const { main } = await loadGenerator();
process.exitCode = await main(process.argv.slice(2));
