/**
 * Rendering: a pure function from environments to a file map (path -> YAML text). No I/O here:
 * loading is `load.ts`, writing and checking is `writer.ts`.
 */
import { argocdObjects } from "./argocd.ts";
import { components } from "./components/index.ts";
import { providedSecrets } from "./components/secrets.ts";
import type { Environment } from "./environment.ts";
import { fileName, headerOf, type KubeObject, type ObjectHeader, toYaml } from "./serialize.ts";
import {
  plain,
  type Problem,
  RenderError,
  type Validatable,
  validateArgocd,
  validateObjects,
} from "./validate.ts";

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
  rendered: readonly FileEntry[],
): { entries: Entry[]; problems: Problem[] } {
  const models = argocdObjects(
    environments,
    rendered.map((e) => e.header),
  );
  const objects = models.map(plain);
  const entries = objects.map((object) => ({ path: `argocd/${fileName(object)}`, object }));
  const files = new Map<string, ObjectHeader>([
    ...rendered.map((e) => [e.path, e.header] as const),
    ...entries.map((e) => [e.path, e.object] as const),
  ]);
  return { entries, problems: validateArgocd(models, objects, files, environments) };
}

/** A rendered file: its path, its YAML, and the kind and name of the object in it. */
interface FileEntry {
  path: string;
  header: ObjectHeader;
  text: string;
}

/**
 * One environment rendered to files, and its problems: what a worker thread sends back, so only
 * the objects' headers travel, not the objects (the Argo CD step needs no more).
 */
export interface EnvironmentFiles {
  entries: FileEntry[];
  problems: Problem[];
}

/**
 * `renderEnvironment` plus each object's YAML: all of one environment's work that does not need
 * the others, so that environments can be rendered on worker threads (workers.ts).
 */
export function renderEnvironmentFiles(env: Environment): EnvironmentFiles {
  const { entries, problems } = renderEnvironment(env);
  return {
    entries: entries.map((e) => ({
      path: e.path,
      header: headerOf(e.object),
      text: toYaml(e.object),
    })),
    problems,
  };
}

/**
 * Joins the environments' files (`rendered[i]` is `environments[i]`'s) with the Argo CD objects
 * into the file map, path -> YAML. Throws RenderError listing every problem of every environment
 * when any object is invalid, so that one invalid object writes nothing; two objects at one path
 * is an error, never an overwrite.
 */
export function assembleFiles(
  environments: readonly Environment[],
  rendered: readonly EnvironmentFiles[],
): FileMap {
  const entries: FileEntry[] = [];
  const problems: (Problem & { environment: string })[] = [];
  environments.forEach((env, i) => {
    const result = rendered[i]!;
    problems.push(...result.problems.map((p) => ({ ...p, environment: env.name })));
    entries.push(...result.entries);
  });
  if (problems.length === 0) {
    const argocd = renderArgocd(environments, entries);
    problems.push(...argocd.problems.map((p) => ({ ...p, environment: "argocd" })));
    entries.push(
      ...argocd.entries.map((e) => ({ path: e.path, header: e.object, text: toYaml(e.object) })),
    );
  }
  const files: FileMap = new Map();
  for (const { path, header, text } of entries.sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  )) {
    if (files.has(path)) {
      problems.push({
        environment: path.split("/")[1] ?? path,
        object: `${header.kind}/${header.metadata?.name ?? ""}`,
        field: "metadata.name",
        message: `another object is already rendered to ${path}`,
      });
    }
    files.set(path, text);
  }
  if (problems.length > 0) throw new RenderError(problems);
  return files;
}

/** Renders every environment and the Argo CD objects, on this thread (see `assembleFiles`). */
export function renderAll(environments: readonly Environment[]): FileMap {
  return assembleFiles(environments, environments.map(renderEnvironmentFiles));
}
