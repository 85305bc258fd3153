/**
 * The input rules: what an environment must satisfy across its fields, beyond each field's own
 * type and pattern (schema.ts). Each has an id that its findings carry and a line in the
 * generated rules table (docs/rules.md). They run on an environment that the schema accepted,
 * with its images; the image rules also run when the schema refused it, on what they can read, so
 * that one run names every problem.
 */
import { parseQuantity } from "../quantity.ts";
import { UNRELEASED_DIGEST, unreleased } from "./images.ts";
import type { EnvironmentImages, EnvironmentOutput, Resources } from "./schema.ts";

/** What an input rule reads: the file's name, its data (parsed when the schema accepted it). */
export interface InputRuleContext {
  /** The environment's file name, without `.ts`. */
  name: string;
  /** The schema's output (defaults filled in), or undefined when the schema refused the data. */
  parsed: EnvironmentOutput | undefined;
  /** The file's default export, as it is. */
  raw: unknown;
  /** Its entry of images.json, when there is one. */
  images: EnvironmentImages | undefined;
}

export interface InputFinding {
  field: string;
  message: string;
}

export interface InputRule {
  /** Short, stable, kebab-case: what a finding and the rules table call it. */
  id: string;
  /** One line: what the rule requires, and why. */
  description: string;
  /** The fields it reads. */
  reads: readonly string[];
  check(context: InputRuleContext): InputFinding[];
}

const COMPONENTS = ["backend", "frontend"] as const;

export const nameMatchesFile: InputRule = {
  id: "name-matches-file",
  description:
    "`name` equals the file name: it names `rendered/<name>/` and the Application, and two files must not claim one.",
  reads: ["name"],
  check({ name, parsed }) {
    if (parsed === undefined || parsed.name === name) return [];
    return [{ field: "name", message: `(${parsed.name}) must equal the file name (${name})` }];
  },
};

export const requestsWithinLimits: InputRule = {
  id: "requests-within-limits",
  description:
    "Each resource request is at most its limit: the API server refuses a pod that asks for more than it may use.",
  reads: ["backend.resources", "frontend.resources", "database.resources"],
  check(context) {
    const env = context.parsed;
    if (env === undefined) return [];
    const findings = COMPONENTS.flatMap((c) => overLimit(env[c].resources, `${c}.resources`));
    if (env.database.mode === "in-cluster") {
      findings.push(...overLimit(env.database.resources, "database.resources"));
    }
    return findings;
  },
};

function overLimit(res: Resources, path: string): InputFinding[] {
  const findings: InputFinding[] = [];
  for (const unit of ["cpu", "memory", "ephemeral-storage"] as const) {
    const request = parseQuantity(res.requests[unit]);
    const limit = parseQuantity(res.limits[unit]);
    if (request !== undefined && limit !== undefined && request > limit) {
      findings.push({
        field: `${path}.requests.${unit}`,
        message: `(${res.requests[unit]}) must not exceed resources.limits.${unit} (${res.limits[unit]})`,
      });
    }
  }
  return findings;
}

export const readinessOverHttp: InputRule = {
  id: "readiness-over-http",
  description:
    "The readiness probe asks the app over HTTP (`path` set): a TCP connect says the process is up, not that it can serve.",
  reads: ["backend.probes.readiness", "frontend.probes.readiness"],
  check(context) {
    const env = context.parsed;
    if (env === undefined) return [];
    return COMPONENTS.filter((c) => env[c].probes.readiness.path === undefined).map((c) => ({
      field: `${c}.probes.readiness.path`,
      message: "missing: readiness must ask the app over HTTP whether it can serve",
    }));
  },
};

export const livenessIsNotReadiness: InputRule = {
  id: "liveness-is-not-readiness",
  description:
    "The liveness probe asks another path than readiness: a pod that cannot serve for a while is taken out of its Service, not restarted.",
  reads: ["backend.probes", "frontend.probes"],
  check(context) {
    const env = context.parsed;
    if (env === undefined) return [];
    return COMPONENTS.flatMap((c) => {
      const { liveness, readiness } = env[c].probes;
      if (liveness.path === undefined || liveness.path !== readiness.path) return [];
      return [
        {
          field: `${c}.probes.liveness.path`,
          message: `(${liveness.path}) must not be the readiness path: a pod that cannot serve for a while (its database is down, it is busy) is taken out of its Service, not restarted`,
        },
      ];
    });
  },
};

export const noRewriteTarget: InputRule = {
  id: "no-rewrite-target",
  description:
    "No `rewrite-target` annotation on the routes: the backend serves `/api` itself, and a rewrite would send `/api/tasks` to it as `/`.",
  reads: ["routing.annotations"],
  check(context) {
    const env = context.parsed;
    if (env === undefined) return [];
    const key = Object.keys(env.routing.annotations).find((k) => k.endsWith("/rewrite-target"));
    if (key === undefined) return [];
    return [
      {
        field: `routing.annotations.${key}`,
        message:
          "must not be set: a rewrite sends /api/tasks to the backend as /; the backend serves /api itself",
      },
    ];
  },
};

export const imagesListed: InputRule = {
  id: "images-listed",
  description:
    "images.json holds the environment's backend and frontend images, and a database image when the database runs in the cluster.",
  reads: ["images.json", "database.mode"],
  check({ name, raw, images }) {
    if (images === undefined) {
      return [
        {
          field: `images.json.${name}`,
          message: "missing: every environment needs its image references",
        },
      ];
    }
    const mode = (raw as { database?: { mode?: unknown } } | undefined)?.database?.mode;
    if (mode !== "in-cluster" || images.database !== undefined) return [];
    return [
      {
        field: `images.json.${name}.database`,
        message: "missing: database.mode is in-cluster and needs an image",
      },
    ];
  },
};

export const pinnedImages: InputRule = {
  id: "pinned-images",
  description:
    "Images are pinned by digest and never `latest`, unless `allowMutableImageTags` (local clusters that build in place): a tag can be moved under a running environment.",
  reads: ["images.json", "allowMutableImageTags"],
  check({ name, raw, images }) {
    const allowed = (raw as { allowMutableImageTags?: unknown } | undefined)?.allowMutableImageTags;
    if (images === undefined || allowed === true) return [];
    return Object.entries(images).flatMap(([component, ref]) => {
      if (ref === undefined) return [];
      const field = `images.json.${name}.${component}`;
      const findings: InputFinding[] = [];
      if (ref.tag === "latest") {
        findings.push({
          field: `${field}.tag`,
          message: "(latest) is mutable; allowMutableImageTags is false in this environment",
        });
      }
      if (ref.digest === undefined) {
        findings.push({
          field: `${field}.digest`,
          message: "missing: allowMutableImageTags is false, so images are pinned by digest",
        });
      }
      return findings;
    });
  },
};

export const releasedBeforeAutomatedSync: InputRule = {
  id: "released-before-automated-sync",
  description:
    "An environment that syncs automatically has every image promoted: the never-promoted placeholder digest would sync into ImagePullBackOff.",
  reads: ["images.json", "argocd.sync"],
  check(context) {
    const env = context.parsed;
    if (env === undefined || context.images === undefined || env.argocd.sync !== "automated") {
      return [];
    }
    return unreleased({ images: context.images }).map((component) => ({
      field: `images.json.${context.name}.${component}.digest`,
      message: `(${UNRELEASED_DIGEST}) is the never-promoted placeholder, which no registry serves; argocd.sync is automated, so Argo CD would sync it into ImagePullBackOff. Promote an image first (npm run promote)`,
    }));
  },
};

/** Every input rule, in the order they run. */
export const INPUT_RULES: readonly InputRule[] = [
  nameMatchesFile,
  requestsWithinLimits,
  readinessOverHttp,
  livenessIsNotReadiness,
  noRewriteTarget,
  imagesListed,
  pinnedImages,
  releasedBeforeAutomatedSync,
];
