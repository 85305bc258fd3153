/**
 * The minikube secrets bootstrap: generates strong values when absent, refuses weak ones, keeps
 * values out of every file but the git-ignored env file, checks that a cluster answers before it
 * creates anything, and hands the Secrets to kubectl on standard input. kubectl is replaced by a
 * recording script that answers as kubectl does; the cluster suite (test/cluster/) runs the same
 * command against a real API server.
 */
import { spawnSync } from "node:child_process";
import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { project } from "../generate/project.ts";
import { planSecrets, secretManifests, weakness } from "../scripts/bootstrap-secrets.ts";
import { environment, REPO, run, scratchRepo, tree } from "./helpers.ts";

const minikube = environment("minikube");

describe("planSecrets", () => {
  it("generates a strong JWT secret and database password when absent, and derives DATABASE_URL", () => {
    const plan = planSecrets(minikube, {});
    const app = plan.secrets.get("todo-secrets")!;
    const db = plan.secrets.get("todo-db-credentials")!;
    expect(app.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(weakness("JWT_SECRET", app.JWT_SECRET!, 32)).toBeUndefined();
    expect(db.POSTGRES_PASSWORD!.length).toBeGreaterThanOrEqual(16);
    expect(app.DATABASE_URL).toBe(
      `postgresql://todo:${db.POSTGRES_PASSWORD}@todo-db-svc:5432/todo`,
    );
    expect(Object.keys(plan.generated).sort()).toEqual(["JWT_SECRET", "POSTGRES_PASSWORD"]);
    expect(planSecrets(minikube, {}).secrets.get("todo-secrets")!.JWT_SECRET).not.toBe(
      app.JWT_SECRET,
    );
  });

  it("keeps values the env file already has", () => {
    const jwt = "k3Jd9-xQz7_Lm2Pw8Rt5Yv1Nb4Hc6Gf0aZeSuTo";
    const plan = planSecrets(minikube, {
      JWT_SECRET: jwt,
      POSTGRES_PASSWORD: "Vx8q2LmZ4pR7tN1w",
      OPENAI_API_KEY: "k",
    });
    expect(plan.generated).toEqual({});
    expect(plan.secrets.get("todo-secrets")).toMatchObject({
      JWT_SECRET: jwt,
      OPENAI_API_KEY: "k",
    });
  });

  it.each([
    ["JWT_SECRET", "short-secret", /JWT_SECRET has 12 characters; at least 32/],
    ["JWT_SECRET", "a".repeat(40), /repeats too few distinct characters/],
    ["JWT_SECRET", "changeme-changeme-changeme-changeme-1234", /looks like a placeholder/],
    ["POSTGRES_PASSWORD", "todo", /POSTGRES_PASSWORD has 4 characters; at least 16/],
  ])("refuses a weak %s", (key, value, expected) => {
    expect(() => planSecrets(minikube, { [key]: value })).toThrow(expected);
  });

  it("refuses an environment whose secrets come from elsewhere", () => {
    expect(() => planSecrets(environment("staging"), {})).toThrow(
      /gets its secrets from external-secrets/,
    );
  });

  it("produces Secrets with string data in the environment's namespace", () => {
    const list = JSON.parse(secretManifests(minikube, planSecrets(minikube, {})));
    expect(
      list.items
        .map(
          (s: { metadata: { name: string; namespace: string } }) =>
            `${s.metadata.namespace}/${s.metadata.name}`,
        )
        .sort(),
    ).toEqual(["todo/todo-db-credentials", "todo/todo-secrets"]);
  });

  it("gives each Secret the recommended labels, with its component", () => {
    const list = JSON.parse(secretManifests(minikube, planSecrets(minikube, {})));
    const labelsOf = (name: string) =>
      list.items.find((s: { metadata: { name: string } }) => s.metadata.name === name).metadata
        .labels;
    const recommended = (component: string) => ({
      "app.kubernetes.io/name": "todo-app",
      "app.kubernetes.io/component": component,
      "app.kubernetes.io/part-of": "todo-system",
      "app.kubernetes.io/version": project.appVersion,
      "app.kubernetes.io/managed-by": "todo-gitops",
    });
    expect(labelsOf("todo-secrets")).toEqual(recommended("secrets"));
    expect(labelsOf("todo-db-credentials")).toEqual(recommended("database"));
  });
});

describe("npm run bootstrap:secrets", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  /** What the fake kubectl answers to the reachability check and to `apply -f -`. */
  const CLUSTER_UP = `echo ok`;
  const CLUSTER_DOWN = `echo "The connection to the server 192.168.49.2:8443 was refused - did you specify the right host or port?" >&2; exit 1`;
  const APPLIED = `cat >> "$DIR/kubectl.stdin"; echo "secret/todo-secrets created"`;
  const APPLY_FAILS = `cat > /dev/null; echo "error: the server could not find the requested resource" >&2; exit 1`;

  async function setup(cluster = CLUSTER_UP, apply = APPLIED, context = "echo minikube") {
    const dir = await scratchRepo();
    dirs.push(dir);
    const bin = join(dir, "bin");
    await mkdir(bin);
    // Records each call's arguments, and the standard input of \`apply -f -\`, as a real kubectl
    // would receive them; answers the calls the command makes.
    await writeFile(
      join(bin, "kubectl"),
      [
        "#!/bin/sh",
        `DIR="${dir}"`,
        `echo "$*" >> "$DIR/kubectl.calls"`,
        `case "$*" in`,
        `  "config current-context") ${context} ;;`,
        `  "get --raw /readyz"*) ${cluster} ;;`,
        `  "apply -f -") ${apply} ;;`,
        `  "apply -f "*) echo "namespace/todo created" ;;`,
        `  *) echo "unexpected kubectl call: $*" >&2; exit 2 ;;`,
        `esac`,
        "",
      ].join("\n"),
    );
    await chmod(join(bin, "kubectl"), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    return { dir, env };
  }
  const script = join(REPO, "scripts/bootstrap-secrets.ts");
  const calls = async (dir: string) =>
    (await readFile(join(dir, "kubectl.calls"), "utf8")).trimEnd().split("\n");

  it("creates the namespace and Secrets through kubectl, and saves generated values only in the env file", async () => {
    const { dir, env } = await setup();
    const before = await tree(join(dir, "rendered"));
    const result = run([script, "minikube", "--root", dir], { env });
    expect(result.status, result.stderr).toBe(0);
    // The cluster is asked first, then the namespace and the Secrets are applied.
    expect(await calls(dir)).toEqual([
      "config current-context",
      "get --raw /readyz --request-timeout=5s",
      `apply -f ${dir}/rendered/minikube/namespace-todo.yaml`,
      "apply -f -",
    ]);
    // Reported once applied, after kubectl's own output, without values.
    expect(result.stdout).toMatch(
      /secret\/todo-secrets created\napplied to kubectl context minikube:\nSecret todo\/todo-db-credentials: POSTGRES_PASSWORD\nSecret todo\/todo-secrets: DATABASE_URL, JWT_SECRET, OPENAI_API_KEY\n$/,
    );
    const envFile = parseEnv(await readFile(join(dir, ".env.minikube"), "utf8"));
    expect(((await stat(join(dir, ".env.minikube"))).mode & 0o777).toString(8)).toBe("600");
    const sent = JSON.parse(await readFile(join(dir, "kubectl.stdin"), "utf8"));
    const app = sent.items.find(
      (s: { metadata: { name: string } }) => s.metadata.name === "todo-secrets",
    );
    expect(app.stringData.JWT_SECRET).toBe(envFile.JWT_SECRET);
    // No value is printed, and nothing under rendered/ changed.
    expect(result.stdout).not.toContain(envFile.JWT_SECRET);
    expect(result.stdout).not.toContain(envFile.POSTGRES_PASSWORD);
    expect(await tree(join(dir, "rendered"))).toEqual(before);

    // A second run keeps the same values.
    expect(run([script, "minikube", "--root", dir], { env }).status).toBe(0);
    expect(parseEnv(await readFile(join(dir, ".env.minikube"), "utf8"))).toEqual(envFile);
  });

  it.each([
    ["minikube is stopped", "echo minikube", "no cluster at minikube: is minikube running?"],
    [
      "no context is set",
      `echo "error: current-context is not set" >&2; exit 1`,
      "no cluster at (no current kubectl context): is minikube running?",
    ],
  ])(
    "with no cluster (%s) says so plainly, exits non-zero and creates nothing",
    async (_, context, message) => {
      const { dir, env } = await setup(CLUSTER_DOWN, APPLIED, context);
      const result = run([script, "minikube", "--root", dir], { env });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`bootstrap:secrets: ${message}\n`);
      // kubectl's reason follows; its advice for apply (--validate=false) never appears.
      expect(result.stderr).toContain("192.168.49.2:8443 was refused");
      expect(result.stderr).not.toContain("--validate");
      expect(result.stdout).not.toContain("Secret ");
      expect((await calls(dir)).filter((c) => c.startsWith("apply"))).toEqual([]);
      await expect(stat(join(dir, ".env.minikube"))).rejects.toThrow(/ENOENT/);
    },
  );

  it("prints no Secret as created when kubectl cannot apply it", async () => {
    const { dir, env } = await setup(CLUSTER_UP, APPLY_FAILS);
    const result = run([script, "minikube", "--root", dir], { env });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("kubectl apply -f - failed");
    expect(result.stdout).not.toContain("Secret ");
  });

  it("--dry-run names the Secrets and keys, and asks no cluster", async () => {
    const { dir, env } = await setup(CLUSTER_DOWN);
    const result = run([script, "minikube", "--root", dir, "--dry-run"], { env });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("nothing applied");
    expect(result.stdout).toContain("Secret todo/todo-secrets: DATABASE_URL, JWT_SECRET");
    await expect(stat(join(dir, "kubectl.calls"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses a weak secret, calling kubectl not at all", async () => {
    const { dir, env } = await setup();
    await writeFile(join(dir, ".env.minikube"), "JWT_SECRET=too-short\n");
    const result = run([script, "minikube", "--root", dir], { env });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("JWT_SECRET has 9 characters; at least 32 are required");
    await expect(stat(join(dir, "kubectl.calls"))).rejects.toThrow();
  });
});

describe("the env files stay out of git", () => {
  it.each([".env.minikube", ".env.staging", ".env"])("git ignores %s", (file) => {
    expect(
      spawnSync("git", ["check-ignore", "--quiet", "--no-index", file], { cwd: REPO }).status,
    ).toBe(0);
  });
});
