/**
 * The go command as every build of this repository runs it: modules only, no cgo, and the Go
 * toolchain `GO_TOOLCHAIN` names (fetched from the module proxy when the machine's Go is older).
 * Binaries land in the user cache, keyed by version, never inside the clone.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot, GO_TOOLCHAIN } from "./versions.ts";

const root = cacheRoot();
/** Where a built command lives: `<cache>/bin/<name>-<version>`. */
export const bin = (name: string, version: string) => join(root, "bin", `${name}-${version}`);

/** The cache's own throw-away main module, which `go install` and `go mod download` run in. */
function cacheModule(): void {
  mkdirSync(join(root, "bin"), { recursive: true });
  if (!existsSync(join(root, "go.mod"))) writeFileSync(join(root, "go.mod"), "module cache\n");
}

export function go(args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync("go", args, {
    cwd,
    // GOTOOLCHAIN: a go.mod that needs a newer Go than the machine's fetches it as a module.
    env: {
      ...process.env,
      GOFLAGS: "-mod=mod",
      CGO_ENABLED: "0",
      GOTOOLCHAIN: GO_TOOLCHAIN,
      ...env,
    },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 << 20,
  });
}

/**
 * A Go command built with `go install module/cmd@version` into the cache (for modules without
 * replace directives): kube-score for the manifest lint, helm for the benchmark.
 */
export function goInstall(name: string, pkg: string, version: string): string {
  cacheModule();
  const out = bin(name, version);
  if (existsSync(out)) return out;
  const started = Date.now();
  process.stderr.write(`building ${name} ${version} (once; cached in ${out})\n`);
  const gobin = join(root, "src", `${name}-${version}`);
  go(["install", `${pkg}@${version}`], root, { GOBIN: gobin, GOFLAGS: "" });
  renameSync(join(gobin, pkg.split("/").pop()!), out);
  process.stderr.write(`built ${name} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return out;
}

/** The folder of a downloaded module (`go mod download -json`), e.g. to read its go.mod or CRDs. */
export function moduleDir(module: string, version: string): string {
  cacheModule();
  const out = go(["mod", "download", "-json", `${module}@${version}`], root);
  return (JSON.parse(out) as { Dir: string }).Dir;
}
