/**
 * `npm run promote -- --environment staging --image backend=REF --image frontend=REF`
 *
 * Points an environment at new images: REF is `registry/repository:tag@sha256:<digest>`, as the
 * images workflow pushed it. Updates `environments/images.json` (CI is its only writer) and
 * re-renders, so that the promotion pull request holds exactly the reviewed, drift-checked change.
 * Every reference and the resulting environment are validated before anything is written; bad
 * input writes nothing and exits 2.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  type EnvironmentImages,
  type ImageRef,
  imagesFileSchema,
} from "../generate/environment/schema.ts";
import { environmentNames, loadEnvironments, readImages } from "../generate/shell/load.ts";
import { renderAll } from "../generate/pipeline/render.ts";
import { writeOutput } from "../generate/shell/writer.ts";

const REFERENCE =
  /^(?<repository>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+):(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})@(?<digest>sha256:[a-f0-9]{64})$/;
const COMPONENTS = ["backend", "frontend"] as const;
type Component = (typeof COMPONENTS)[number];

export class PromotionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromotionError";
  }
}

/** `ghcr.io/acme/todo-backend:sha-1a2b3c4@sha256:…` -> its parts; refuses anything mutable. */
export function parseReference(component: string, text: string): ImageRef {
  const match = REFERENCE.exec(text);
  if (match?.groups === undefined) {
    throw new PromotionError(
      `--image ${component}=${text}: must be registry/repository:tag@sha256:<64 hex digits>`,
    );
  }
  const { repository = "", tag = "", digest = "" } = match.groups;
  if (tag === "latest") {
    throw new PromotionError(
      `--image ${component}=${text}: "latest" is mutable; promote an immutable tag`,
    );
  }
  return { repository, tag, digest };
}

/** The `--image component=REF` arguments as references, one per component at most. */
export function parseImages(args: readonly string[]): Partial<Record<Component, ImageRef>> {
  if (args.length === 0)
    throw new PromotionError("nothing to promote: give at least one --image component=REF");
  const images: Partial<Record<Component, ImageRef>> = {};
  for (const arg of args) {
    const [component = "", ...rest] = arg.split("=");
    if (!(COMPONENTS as readonly string[]).includes(component)) {
      throw new PromotionError(
        `--image ${arg}: the component must be one of ${COMPONENTS.join(", ")}`,
      );
    }
    if (images[component as Component] !== undefined) {
      throw new PromotionError(`--image ${component} is given twice`);
    }
    images[component as Component] = parseReference(component, rest.join("="));
  }
  return images;
}

/** images.json with `environment`'s given components replaced; everything else as it was. */
export function promoted(
  file: unknown,
  environment: string,
  images: Partial<Record<Component, ImageRef>>,
): Record<string, EnvironmentImages> {
  const current = imagesFileSchema.parse(file);
  const entry = current[environment];
  if (entry === undefined) {
    throw new PromotionError(`environment "${environment}" has no entry in images.json`);
  }
  for (const [component, ref] of Object.entries(images) as [Component, ImageRef][]) {
    if (entry[component].repository !== ref.repository) {
      throw new PromotionError(
        `--image ${component}: repository ${ref.repository} differs from the environment's ${entry[component].repository}; change images.json by hand in a reviewed pull request to move registries`,
      );
    }
  }
  return { ...current, [environment]: { ...entry, ...images } };
}

export async function main(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        environment: { type: "string" },
        image: { type: "string", multiple: true, default: [] },
        root: { type: "string", default: process.cwd() },
      },
    });
    const dir = join(values.root, "environments");
    const environment = values.environment;
    if (environment === undefined || !(await environmentNames(dir)).includes(environment)) {
      throw new PromotionError(
        `--environment must name one of: ${(await environmentNames(dir)).join(", ")} (got ${environment ?? "nothing"})`,
      );
    }
    const next = promoted(await readImages(dir), environment, parseImages(values.image));
    // Validate and render with the new references before writing any of it.
    const files = renderAll(await loadEnvironments(dir, { images: next }));
    const path = join(dir, "images.json");
    const text = `${JSON.stringify(next, null, 2)}\n`;
    if (text !== (await readFile(path, "utf8"))) await writeFile(path, text);
    writeOutput(values.root, files);
    process.stdout.write(`promoted ${environment}: ${values.image.join(", ")}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`promote: ${(error as Error).message}\n`);
    return 2;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
