/**
 * Rendering: a pure function from environments to a file map (path -> YAML text). No I/O here:
 * loading is `load.ts`, writing and checking is `writer.ts`.
 */
import { parse } from "yaml";
import { argocdObjects } from "./argocd.ts";
import { components } from "./components/index.ts";
import { validateArgocd } from "./validate-argocd.ts";
import { providedSecrets } from "./components/secrets.ts";
import type { Environment } from "./environment.ts";
import { fileName, type KubeObject, toYaml } from "./serialize.ts";
import { type Problem, RenderError, type Validatable, validateObjects } from "./validate.ts";

/** The folders the writer owns and replaces as a whole. */
export const OUTPUT_ROOTS = ["rendered", "argocd"] as const;

export type FileMap = Map<string, string>;

/** Every object of one environment, built by the components. */
export function buildObjects(env: Environment): Validatable[] {
  return components.flatMap((component) => component(env));
}

/** Adds `object` at `path`; two objects at one path is an error, never a silent overwrite. */
function addFile(files: FileMap, path: string, object: KubeObject, problems: Problem[]): void {
  if (files.has(path)) {
    problems.push({
      object: `${object.kind}/${object.metadata?.name ?? ""}`,
      field: "metadata.name",
      message: `another object is already rendered to ${path}`,
    });
    return;
  }
  files.set(path, toYaml(object));
}

/** The files of one environment: `rendered/<env>/<kind>-<name>.yaml`, validated. */
export function renderEnvironment(env: Environment): { files: FileMap; problems: Problem[] } {
  const models = buildObjects(env);
  const problems = validateObjects(models, {
    namespace: env.namespace,
    providedSecrets: providedSecrets(env),
  });
  const files: FileMap = new Map();
  for (const model of models) {
    const object = model.toJSON() as KubeObject;
    addFile(files, `rendered/${env.name}/${fileName(object)}`, object, problems);
  }
  return { files, problems };
}

/** The Argo CD objects for these environments, validated against the environments' files. */
function renderArgocd(
  environments: readonly Environment[],
  files: FileMap,
  problems: (Problem & { environment: string })[],
): void {
  const rendered = [...files.values()].map((text) => parse(text) as KubeObject);
  const models = argocdObjects(environments, rendered);
  const objects: KubeObject[] = [];
  const local: Problem[] = [];
  for (const model of models) {
    const object = JSON.parse(JSON.stringify(model.toJSON())) as KubeObject;
    objects.push(object);
    try {
      model.validate();
    } catch (error) {
      local.push({
        object: `${object.kind}/${object.metadata?.name ?? ""}`,
        field: "(schema)",
        message: (error as Error).message,
      });
    }
    addFile(files, `argocd/${fileName(object)}`, object, local);
  }
  local.push(...validateArgocd(objects, files));
  for (const env of environments) {
    const app = objects.find(
      (o) => o.kind === "Application" && o.metadata?.name === `todo-${env.name}`,
    );
    const namespace = (app?.spec as { destination?: { namespace?: string } } | undefined)
      ?.destination?.namespace;
    if (namespace !== env.namespace) {
      local.push({
        object: `Application/todo-${env.name}`,
        field: "spec.destination.namespace",
        message: `(${namespace ?? "unset"}) must be the environment's namespace (${env.namespace})`,
      });
    }
  }
  problems.push(...local.map((p) => ({ ...p, environment: "argocd" })));
}

/**
 * Renders every environment. Throws RenderError listing every problem of every environment when
 * any object is invalid, so that one invalid object writes nothing.
 */
export function renderAll(environments: readonly Environment[]): FileMap {
  const all: FileMap = new Map();
  const problems: (Problem & { environment: string })[] = [];
  for (const env of [...environments].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const result = renderEnvironment(env);
    problems.push(...result.problems.map((p) => ({ ...p, environment: env.name })));
    for (const [path, text] of result.files) all.set(path, text);
  }
  if (problems.length === 0) renderArgocd(environments, all, problems);
  if (problems.length > 0) throw new RenderError(problems);
  return new Map([...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
