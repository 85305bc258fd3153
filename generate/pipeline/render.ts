/**
 * Rendering: a pure function from environments to a file map (path -> YAML text). No I/O here:
 * loading is `load.ts`, writing and checking is `writer.ts`.
 */
import { argocdObjects } from "../objects/argocd.ts";
import { components } from "../objects/components/index.ts";
import { providedSecrets } from "../objects/components/secrets.ts";
import type { Environment } from "../environment/schema.ts";
import { fileName, type KubeObject, type ObjectHeader, type Validatable } from "../types.ts";
import { toYaml } from "./serialize.ts";
import { plain, type Problem, RenderError, validateArgocd, validateObjects } from "./validate.ts";

/** The folders the writer owns and replaces as a whole. */
export const OUTPUT_ROOTS = ["rendered", "argocd"] as const;

export type FileMap = Map<string, string>;

/** Every object of one environment, built by the components. */
export function buildObjects(env: Environment): Validatable[] {
  return components.flatMap((component) => component(env));
}

/** A rendered object and the file it goes to. */
interface Entry {
  path: string;
  object: KubeObject;
}

/** One environment's objects, validated, each with its `rendered/<env>/<kind>-<name>.yaml`. */
export function renderEnvironment(env: Environment): { entries: Entry[]; problems: Problem[] } {
  const models = buildObjects(env);
  // Each model becomes plain JSON once; validation and serialization share it.
  const objects = models.map(plain);
  const problems = validateObjects(
    models,
    { namespace: env.namespace, providedSecrets: providedSecrets(env) },
    objects,
  );
  const entries = objects.map((object) => ({
    path: `rendered/${env.name}/${fileName(object)}`,
    object,
  }));
  return { entries, problems };
}

/** The Argo CD objects for these environments, validated against the environments' files. */
function renderArgocd(
  environments: readonly Environment[],
  rendered: readonly Entry[],
): { entries: Entry[]; problems: Problem[] } {
  const models = argocdObjects(
    environments,
    rendered.map((e) => e.object),
  );
  const objects = models.map(plain);
  const entries = objects.map((object) => ({ path: `argocd/${fileName(object)}`, object }));
  const files = new Map<string, ObjectHeader>(
    [...rendered, ...entries].map((e) => [e.path, e.object] as const),
  );
  return { entries, problems: validateArgocd(models, objects, files, environments) };
}

/**
 * Every environment and the Argo CD objects, as the file map path -> YAML. Throws RenderError
 * listing every problem of every environment when any object is invalid, so that one invalid
 * object writes nothing; two objects at one path is an error, never an overwrite.
 */
export function renderAll(environments: readonly Environment[]): FileMap {
  const entries: Entry[] = [];
  const problems: (Problem & { environment: string })[] = [];
  for (const env of environments) {
    const result = renderEnvironment(env);
    problems.push(...result.problems.map((p) => ({ ...p, environment: env.name })));
    entries.push(...result.entries);
  }
  if (problems.length === 0) {
    const argocd = renderArgocd(environments, entries);
    problems.push(...argocd.problems.map((p) => ({ ...p, environment: "argocd" })));
    entries.push(...argocd.entries);
  }
  const files: FileMap = new Map();
  for (const { path, object } of entries.sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  )) {
    if (files.has(path)) {
      problems.push({
        environment: path.split("/")[1] ?? path,
        object: `${object.kind}/${object.metadata?.name ?? ""}`,
        field: "metadata.name",
        message: `another object is already rendered to ${path}`,
      });
    }
    files.set(path, toYaml(object));
  }
  if (problems.length > 0) throw new RenderError(problems);
  return files;
}
