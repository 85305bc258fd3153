/**
 * Loading: finds `environments/<name>.ts` (every .ts file but `defaults.ts`), imports each one's
 * default export, reads `environments/images.json`, and validates and joins them. All problems of
 * all environments are reported together.
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { EnvironmentError, parseImagesFile, resolveWithImages } from "../environment/resolve.ts";
import type { Environment } from "../environment/schema.ts";
import { describeLoadError } from "./load-error.ts";

/** Files of environments/ that are not environments (shared by them). */
const NOT_ENVIRONMENTS = new Set(["defaults.ts"]);

/** Whether a file of environments/ is an environment: `<name>.ts`, not a declaration or defaults. */
export function isEnvironmentFile(file: string): boolean {
  return file.endsWith(".ts") && !file.endsWith(".d.ts") && !NOT_ENVIRONMENTS.has(file);
}

/** The environment names found in a folder, sorted. */
export async function environmentNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir);
  return entries
    .filter(isEnvironmentFile)
    .map((f) => basename(f, ".ts"))
    .sort();
}

/** `environments/images.json`, parsed; a broken file is named in the error. */
export async function readImages(dir: string): Promise<unknown> {
  const imagesPath = join(dir, "images.json");
  try {
    return JSON.parse(await readFile(imagesPath, "utf8"));
  } catch (error) {
    throw new Error(`${imagesPath}: ${(error as Error).message}; nothing was written.`);
  }
}

/**
 * Every environment in `dir`, validated; throws one error naming all bad ones. `images` replaces
 * images.json's content (the promotion checks new references before it writes them).
 */
export async function loadEnvironments(
  dir: string,
  options: { images?: unknown } = {},
): Promise<Environment[]> {
  const images = parseImagesFile(options.images ?? (await readImages(dir)));
  const environments: Environment[] = [];
  const errors: EnvironmentError[] = [];
  for (const name of await environmentNames(dir)) {
    const file = join(dir, `${name}.ts`);
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (error) {
      // A syntax error's own message names no place; this names file:line:column.
      throw new Error(`${describeLoadError(file, error)}\nnothing was written.`, { cause: error });
    }
    try {
      environments.push(resolveWithImages(name, module.default, images));
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateEnvironmentError(errors);
  const clashes = collisions(environments);
  if (clashes.length > 0) throw new CollisionError(clashes);
  return environments;
}

/**
 * Two environments that own the same namespace of the same cluster, or serve the same host, would
 * be two Argo CD Applications overwriting (and pruning) each other's objects. Each clash names
 * both files.
 */
export function collisions(environments: readonly Environment[]): string[] {
  const found: string[] = [];
  const file = (env: Environment) => `environments/${env.name}.ts`;
  const claims = [
    {
      what: (env: Environment) => `${env.argocd.server} ${env.namespace}`,
      say: (env: Environment) =>
        `both deploy to namespace "${env.namespace}" of cluster ${env.argocd.server} (argocd.server, namespace)`,
    },
    {
      what: (env: Environment) => env.routing.host,
      say: (env: Environment) => `both serve host ${env.routing.host} (routing.host)`,
    },
  ];
  for (const claim of claims) {
    const owner = new Map<string, Environment>();
    for (const env of environments) {
      const first = owner.get(claim.what(env));
      if (first === undefined) owner.set(claim.what(env), env);
      else
        found.push(
          `${file(first)} and ${file(env)} ${claim.say(env)}: their Applications would overwrite and prune each other's objects; give one its own`,
        );
    }
  }
  return found;
}

export class CollisionError extends Error {
  constructor(clashes: readonly string[]) {
    super(
      `environments collide:\n${clashes.map((c) => `  - ${c}`).join("\n")}\nnothing was written.`,
    );
    this.name = "EnvironmentError";
  }
}

export class AggregateEnvironmentError extends Error {
  readonly errors: EnvironmentError[];
  constructor(errors: EnvironmentError[]) {
    super(`${errors.map((e) => e.message).join("\n")}\nnothing was written.`);
    this.name = "EnvironmentError";
    this.errors = errors;
  }
}
