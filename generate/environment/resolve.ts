/**
 * One environment's data and images, checked by the schema (each field) and the input rules
 * (across fields), and joined: the `Environment` every builder reads.
 */
import type { z } from "zod";
import { INPUT_RULES } from "./input-rules.ts";
import {
  type Environment,
  environmentDataSchema,
  type EnvironmentImages,
  imagesFileSchema,
} from "./schema.ts";

/** A bad environment: names the environment, and each problem's field and rule. */
export class EnvironmentError extends Error {
  readonly problems: readonly string[];
  constructor(environment: string, problems: readonly string[]) {
    super(
      `environment "${environment}" is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "EnvironmentError";
    this.problems = problems;
  }
}

function describeIssues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    return `${field || "(root)"}: ${issue.message}`;
  });
}

/** images.json, validated: parse it once and hand it to `resolveWithImages` for each environment. */
export function parseImagesFile(images: unknown): ParsedImagesFile {
  return imagesFileSchema.safeParse(images);
}
export type ParsedImagesFile = ReturnType<typeof imagesFileSchema.safeParse>;

/**
 * Validates one environment's data and images and joins them. Throws EnvironmentError with
 * every problem found, each as `<field path>: <rule>`.
 */
export function resolveEnvironment(fileName: string, data: unknown, images: unknown): Environment {
  return resolveWithImages(fileName, data, parseImagesFile(images));
}

/**
 * `resolveEnvironment` with images.json already parsed: loading parses it once, not once per
 * environment (parsing all of it for each one made loading quadratic in the environments).
 */
export function resolveWithImages(
  fileName: string,
  data: unknown,
  imageFile: ParsedImagesFile,
): Environment {
  const parsed = environmentDataSchema.safeParse(data);
  const problems = parsed.success ? [] : describeIssues("", parsed.error);
  let images: EnvironmentImages | undefined;
  if (!imageFile.success) problems.push(...describeIssues("images.json", imageFile.error));
  else images = imageFile.data[fileName];
  if (imageFile.success) {
    const context = {
      name: fileName,
      parsed: parsed.success ? parsed.data : undefined,
      raw: data,
      images,
    };
    for (const rule of INPUT_RULES) {
      for (const finding of rule.check(context)) {
        problems.push(`${finding.field}: ${finding.message} [${rule.id}]`);
      }
    }
  }
  if (problems.length > 0 || !parsed.success || images === undefined) {
    throw new EnvironmentError(fileName, problems);
  }
  return { ...parsed.data, images };
}
