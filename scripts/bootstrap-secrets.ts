/**
 * `npm run bootstrap:secrets -- <env>`: creates the Secrets an environment with
 * `secrets.provider: bootstrap` needs (secret values never enter git)
 * from a local, git-ignored `.env.<env>` file, with kubectl.
 *
 * - JWT_SECRET and the dev database password are generated when absent, and written back to the
 *   env file so that later runs keep them; a weak one is refused.
 * - DATABASE_URL is derived for the in-cluster database, and required otherwise.
 * - OPENAI_API_KEY is optional: without it the backend runs and its chat answers 503.
 * - The manifests go to `kubectl apply -f -` on standard input; they are never written to disk.
 * - A cluster must answer first (`kubectl get --raw /readyz`): without one, nothing is created,
 *   not even the env file, and the error says which kubectl context did not answer. The
 *   `Secret ...` lines are printed only once kubectl has applied them.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync, existsSync, appendFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, parseEnv } from "node:util";
import type { Environment } from "../generate/environment/schema.ts";
import { labels } from "../generate/objects/labels.ts";
import { loadEnvironments } from "../generate/shell/load.ts";
import { APP_SECRET, database, DB_SECRET } from "../generate/objects/names.ts";
import { fileName } from "../generate/types.ts";

export const MIN_JWT_SECRET = 32;
export const MIN_DB_PASSWORD = 16;
/** Placeholders people paste from tutorials; refused whatever their length. */
const KNOWN_WEAK = /(change.?me|secret|password|example|placeholder|your.?(jwt|key))/i;

export interface SecretPlan {
  /** Secret name -> key -> value, in the order they are applied. */
  secrets: Map<string, Record<string, string>>;
  /** Values generated because the env file lacked them; to be appended to it. */
  generated: Record<string, string>;
}

export class WeakSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WeakSecretError";
  }
}

/** Why `value` is too weak for `key`, or undefined when it is fine. */
export function weakness(key: string, value: string, minLength: number): string | undefined {
  if (value.length < minLength)
    return `${key} has ${value.length} characters; at least ${minLength} are required`;
  if (new Set(value).size < 10)
    return `${key} repeats too few distinct characters (${new Set(value).size}); use a random value`;
  if (KNOWN_WEAK.test(value)) return `${key} looks like a placeholder; use a random value`;
  return undefined;
}

const random = (bytes: number) => randomBytes(bytes).toString("base64url");

/** What to create for `env`, given the env file's values. Pure but for the random generator. */
export function planSecrets(
  env: Environment,
  values: Record<string, string | undefined>,
  generate: (bytes: number) => string = random,
): SecretPlan {
  if (env.secrets.provider !== "bootstrap") {
    throw new Error(
      `environment "${env.name}" gets its secrets from ${env.secrets.provider} (secrets.provider); there is nothing to bootstrap`,
    );
  }
  const generated: Record<string, string> = {};
  const value = (key: string, minLength: number, bytes: number): string => {
    const given = values[key];
    if (given === undefined || given === "") {
      generated[key] = generate(bytes);
      return generated[key];
    }
    const weak = weakness(key, given, minLength);
    if (weak !== undefined)
      throw new WeakSecretError(`${weak} (in the env file); remove it to have one generated`);
    return given;
  };

  const secrets = new Map<string, Record<string, string>>();
  const jwt = value("JWT_SECRET", MIN_JWT_SECRET, 48);
  let databaseUrl = values.DATABASE_URL;
  if (env.database.mode === "in-cluster") {
    const password = value("POSTGRES_PASSWORD", MIN_DB_PASSWORD, 24);
    secrets.set(DB_SECRET, { POSTGRES_PASSWORD: password });
    databaseUrl ??= `postgresql://${database.user}:${password}@${database.service}:${database.port}/${database.db}`;
  }
  if (databaseUrl === undefined || databaseUrl === "") {
    throw new Error(
      `DATABASE_URL is missing from the env file: environment "${env.name}" uses an external database`,
    );
  }
  secrets.set(APP_SECRET, {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: jwt,
    OPENAI_API_KEY: values.OPENAI_API_KEY ?? "",
  });
  return { secrets, generated };
}

/** The component a bootstrap Secret belongs to, for its recommended labels. */
const COMPONENT: Record<string, string> = { [APP_SECRET]: "secrets", [DB_SECRET]: "database" };

/** The Secret manifests, as one JSON List for `kubectl apply -f -`. */
export function secretManifests(env: Environment, plan: SecretPlan): string {
  const items = [...plan.secrets].map(([name, stringData]) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name,
      namespace: env.namespace,
      // The recommended labels every rendered object carries, as the rendered ExternalSecret has.
      labels: labels(COMPONENT[name] ?? "secrets"),
    },
    type: "Opaque",
    stringData,
  }));
  return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

function kubectl(args: string[], input?: string): void {
  const result = spawnSync("kubectl", args, { input, stdio: ["pipe", "inherit", "inherit"] });
  if (result.error !== undefined)
    throw new Error(`kubectl could not be run: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`kubectl ${args.join(" ")} failed with exit code ${String(result.status)}`);
}

/** How long the reachability check waits for the API server. */
const REACH_TIMEOUT = "5s";

/**
 * Throws unless kubectl's current context has an API server that answers: a plain sentence
 * naming the context, then kubectl's own reason. Without it, `kubectl apply` would fail with
 * advice (`--validate=false`) that does not apply here.
 */
export function requireCluster(env: Environment): string {
  const current = spawnSync("kubectl", ["config", "current-context"], { encoding: "utf8" });
  if (current.error !== undefined)
    throw new Error(`kubectl could not be run: ${current.error.message}`);
  const context = current.status === 0 ? current.stdout.trim() : "(no current kubectl context)";
  const ready = spawnSync(
    "kubectl",
    ["get", "--raw", "/readyz", `--request-timeout=${REACH_TIMEOUT}`],
    { encoding: "utf8" },
  );
  if (ready.status !== 0) {
    const reason = `${ready.stderr}${ready.stdout}`.trim().split("\n")[0] || "no answer";
    throw new Error(
      `no cluster at ${context}: is ${env.name} running?\n  (kubectl get --raw /readyz: ${reason})\nnothing was created.`,
    );
  }
  return context;
}

export async function main(argv: string[]): Promise<number> {
  const { values: options, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      root: { type: "string", default: process.cwd() },
      // Not --env-file: Node 24 takes that as its own option wherever it appears on the command
      // line, before this script runs (the cluster suite found it).
      "secrets-file": { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  const name = positionals[0];
  if (name === undefined) {
    process.stderr.write(
      "usage: npm run bootstrap:secrets -- <environment> [--secrets-file FILE] [--dry-run]\n",
    );
    return 2;
  }
  try {
    const environments = await loadEnvironments(join(options.root, "environments"));
    const env = environments.find((e) => e.name === name);
    if (env === undefined)
      throw new Error(
        `no environment "${name}" (have: ${environments.map((e) => e.name).join(", ")})`,
      );
    const envFile = options["secrets-file"] ?? join(options.root, `.env.${name}`);
    const values = existsSync(envFile) ? parseEnv(readFileSync(envFile, "utf8")) : {};
    const plan = planSecrets(env, values);
    const summary = [...plan.secrets].map(
      ([secret, data]) => `Secret ${env.namespace}/${secret}: ${Object.keys(data).join(", ")}`,
    );
    if (options["dry-run"]) {
      process.stdout.write(`dry run, nothing applied; would apply:\n${summary.join("\n")}\n`);
      return 0;
    }
    // Before anything is created, the env file included.
    const context = requireCluster(env);
    const generatedKeys = Object.keys(plan.generated);
    if (generatedKeys.length > 0) {
      if (!existsSync(envFile))
        writeFileSync(envFile, "# Local secrets for npm run bootstrap:secrets. Never commit.\n", {
          mode: 0o600,
        });
      appendFileSync(envFile, generatedKeys.map((k) => `${k}=${plan.generated[k]}\n`).join(""));
      chmodSync(envFile, 0o600);
      process.stdout.write(`generated ${generatedKeys.join(", ")} into ${envFile}\n`);
    }
    // The namespace is rendered and owned by Argo CD; apply the same object so the Secrets have a home.
    const namespaceFile = join(
      options.root,
      "rendered",
      name,
      fileName({ apiVersion: "v1", kind: "Namespace", metadata: { name: env.namespace } }),
    );
    kubectl(["apply", "-f", namespaceFile]);
    kubectl(["apply", "-f", "-"], secretManifests(env, plan));
    process.stdout.write(`applied to kubectl context ${context}:\n${summary.join("\n")}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`bootstrap:secrets: ${(error as Error).message}\n`);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
