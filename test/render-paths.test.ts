/**
 * One output, whichever way the generator runs (issue 15): the startup snapshot, the bundle, the
 * unbundled sources and worker threads render the same bytes, both for the committed
 * environments (the committed rendered/ and argocd/) and for generated ones; and a snapshot of
 * other sources never runs them: it hands over to the bundle.
 *
 * TODO_GITOPS_TRACE makes the launcher name the path it took, so that each test knows which one
 * rendered. No timing here: that is `npm run bench`.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_ENVIRONMENTS_FROM } from "../generate/command.mjs";
import { writeEnvironments } from "../scripts/many-environments.ts";
import { renderParallel, setWorkerScript, startWorkers } from "../generate/workers.ts";
import { environment, REPO, run, scratchRepo, tree } from "./helpers.ts";

const LAUNCH = join(REPO, "generate", "launch.mjs");
const SOURCES = join(REPO, "generate", "cli.ts");
const traced = (extra: NodeJS.ProcessEnv = {}) => ({
  ...process.env,
  TODO_GITOPS_TRACE: "1",
  ...extra,
});
const BUNDLE = traced({ TODO_GITOPS_SNAPSHOT: "off" });

const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A scratch root with the committed environments and no output yet. */
async function emptyRoot(): Promise<string> {
  const dir = await scratchRepo();
  scratch.push(dir);
  await rm(join(dir, "rendered"), { recursive: true });
  await rm(join(dir, "argocd"), { recursive: true });
  return dir;
}

const output = async (dir: string) => ({
  rendered: await tree(join(dir, "rendered")),
  argocd: await tree(join(dir, "argocd")),
});

beforeAll(() => {
  // The snapshot of the current sources (a no-op when it exists; waits for a build under way).
  const built = run([LAUNCH, "build-snapshot"]);
  expect(built.status, built.stderr).toBe(0);
}, 120_000);

describe("the committed environments render byte for byte through", () => {
  const committed = () => output(REPO);

  it("the startup snapshot (npm run render)", async () => {
    const dir = await emptyRoot();
    const result = run([LAUNCH, "render", "--root", dir], { env: traced() });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^todo-gitops: snapshot [0-9a-f]{16}, running \d+ ms after start$/m,
    );
    expect(result.stderr).not.toContain("stale");
    expect(await output(dir)).toEqual(await committed());
  });

  it("the bundle, without the snapshot", async () => {
    const dir = await emptyRoot();
    const result = run([LAUNCH, "render", "--root", dir], { env: BUNDLE });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^todo-gitops: bundle [0-9a-f]{16}$/m);
    expect(result.stderr).not.toContain("snapshot");
    expect(await output(dir)).toEqual(await committed());
  });

  it("the unbundled sources", async () => {
    const dir = await emptyRoot();
    const result = run([SOURCES, "render", "--root", dir], { env: traced() });
    expect(result.status, result.stderr).toBe(0);
    expect(await output(dir)).toEqual(await committed());
  });

  it("worker threads, one environment each (the launcher sends them to the bundle)", async () => {
    const dir = await emptyRoot();
    const result = run([LAUNCH, "render", "--root", dir, "--threads", "2"], { env: traced() });
    expect(result.status, result.stderr).toBe(0);
    // Straight to the bundle: no process started from the snapshot, which cannot start workers.
    expect(result.stderr).toMatch(/^todo-gitops: bundle [0-9a-f]{16}$/m);
    expect(result.stderr).not.toContain("snapshot");
    expect(result.stderr).toMatch(/^todo-gitops: rendering on 2 threads$/m);
    expect(await output(dir)).toEqual(await committed());
  });

  it("worker threads asked of the snapshot itself (it hands them to the bundle)", async () => {
    const dir = await emptyRoot();
    const blob = join(
      REPO,
      "node_modules/.cache/todo-gitops",
      `generator-${process.version}-${process.platform}-${process.arch}.blob`,
    );
    const args = ["--snapshot-blob", blob, "--", "render", "--root", dir, "--threads", "2"];
    const result = run(args, { env: traced() });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain("workers run from the bundle");
    expect(result.stderr).toMatch(/^todo-gitops: rendering on 2 threads$/m);
    expect(await output(dir)).toEqual(await committed());
  });

  it("worker threads, from the unbundled sources", async () => {
    const dir = await emptyRoot();
    const result = run([SOURCES, "render", "--root", dir, "--threads", "2"], { env: traced() });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^todo-gitops: rendering on 2 threads$/m);
    expect(await output(dir)).toEqual(await committed());
  });
});

describe("generated environments", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "todo-paths-"));
    scratch.push(root);
    // Enough for the launcher's paths to import them as one bundle (launch-cache.mjs).
    await writeEnvironments(root, BUNDLE_ENVIRONMENTS_FROM);
  });

  /** A fresh copy of the generated root, rendered by `args` with `env`. */
  async function renderCopy(args: string[], env: NodeJS.ProcessEnv) {
    const dir = await mkdtemp(join(tmpdir(), "todo-paths-copy-"));
    scratch.push(dir);
    await cp(join(root, "environments"), join(dir, "environments"), { recursive: true });
    await cp(join(root, "package.json"), join(dir, "package.json"));
    await symlink(join(REPO, "generate"), join(dir, "generate"), "dir");
    const result = run([...args, "render", "--root", dir], { env });
    expect(result.status, result.stderr).toBe(0);
    return { dir, stderr: result.stderr };
  }

  it("give the same bytes through the snapshot, the bundle, the sources and 1 to 3 threads", async () => {
    const reference = await renderCopy([SOURCES, "--threads", "1"], traced());
    const expected = await output(reference.dir);
    expect(expected.rendered.size).toBeGreaterThan(BUNDLE_ENVIRONMENTS_FROM * 10);
    expect(reference.stderr).not.toContain("as one bundle");
    const others = [
      { args: [LAUNCH, "--threads", "1"], env: traced(), path: /todo-gitops: snapshot /m },
      { args: [LAUNCH, "--threads", "1"], env: BUNDLE, path: /todo-gitops: bundle /m },
      { args: [LAUNCH, "--threads", "3"], env: traced(), path: /rendering on 3 threads/m },
      { args: [LAUNCH, "--threads", "2"], env: BUNDLE, path: /rendering on 2 threads/m },
      { args: [SOURCES, "--threads", "2"], env: traced(), path: /rendering on 2 threads/m },
    ];
    for (const { args, env, path } of others) {
      const { dir, stderr } = await renderCopy(args, env);
      expect(stderr).toMatch(path);
      if (args[0] === LAUNCH) expect(stderr).toContain("environment files as one bundle");
      expect(await output(dir)).toEqual(expected);
    }
  });

  it("as one bundle: an edited file is read again, a broken one is named as always", async () => {
    const { dir } = await renderCopy([LAUNCH], traced());
    // Same size, new content: the cache goes by content, not by size or time.
    const file = join(dir, "environments", "env-0007.ts");
    const text = await readFile(file, "utf8");
    const edited = text.replace("env-0007.staging.example.com", "env-7777.staging.example.com");
    expect(edited).not.toBe(text);
    await writeFile(file, edited);
    const again = run([LAUNCH, "render", "--root", dir], { env: traced() });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain("environment files as one bundle");
    const reference = run([SOURCES, "check", "--root", dir], { env: traced() });
    expect(reference.status, reference.stdout).toBe(0);
    expect((await output(dir)).rendered.get("env-0007/httproute-todo-route.yaml")).toContain(
      "env-7777.staging.example.com",
    );

    await writeFile(
      file,
      `${text}
export const broken = ;
`,
    );
    const broken = run([LAUNCH, "render", "--root", dir], { env: traced() });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/env-0007\.ts:\d+:\d+/);
    expect(broken.stderr).toContain("nothing was written");
  });

  it("report the same findings, in the same order, on 1 and 3 threads", async () => {
    // Environments past the loader's schema, so that the rules find what is wrong.
    const environments = Array.from({ length: 12 }, (_, i) => {
      const env = environment("staging");
      const name = `env-${i}`;
      return {
        ...env,
        name,
        namespace: `todo-${name}`,
        routing: { ...env.routing, host: `${name}.example.com` },
      };
    });
    environments[3]!.namespace = "Not A Label";
    environments[9]!.namespace = "Nor This";
    const failure = (threads: number) =>
      renderParallel(environments, threads).then(
        () => "rendered",
        (error: Error) => error.message,
      );
    const one = await failure(1);
    expect(one).toContain('environment "env-3"');
    expect(one).toContain('environment "env-9"');
    expect(await failure(3)).toBe(one);
  });
});

describe("a worker that cannot load the generator", () => {
  it("fails the render with its error: no hang, no unhandled rejection, no worker left", async () => {
    const environments = ["minikube", "staging", "minikube"].map((n, i) => ({
      ...environment(n),
      name: `env-${i}`,
    }));
    setWorkerScript(new URL("./no-such-generator.mjs", import.meta.url).href);
    try {
      // Started early, as renderRoot does, so it fails while this thread is still loading.
      const workers = startWorkers(2);
      const failure = await renderParallel(environments, 3, workers).then(
        () => "rendered",
        (error: Error) => error.message,
      );
      expect(failure).toMatch(/no-such-generator/);
      expect(await Promise.all(workers.map((w) => w.stopped))).toHaveLength(2);
    } finally {
      setWorkerScript(new URL("../generate/workers.ts", import.meta.url).href);
    }
  });
});

describe("a snapshot of other sources", () => {
  it("never runs them: it hands over to the bundle of the sources on disk", async () => {
    // A copy of the repository's code with its own cache (node_modules linked entry by entry).
    const copy = await mkdtemp(join(tmpdir(), "todo-paths-repo-"));
    scratch.push(copy);
    for (const part of ["generate", "environments", "package.json", "package-lock.json"]) {
      await cp(join(REPO, part), join(copy, part), { recursive: true });
    }
    await mkdir(join(copy, "node_modules"));
    for (const entry of await readdir(join(REPO, "node_modules"))) {
      if (entry !== ".cache")
        await symlink(join(REPO, "node_modules", entry), join(copy, "node_modules", entry));
    }
    const launch = join(copy, "generate", "launch.mjs");
    expect(run([launch, "build-snapshot"]).status).toBe(0);
    const [blob] = (await readdir(join(copy, "node_modules", ".cache", "todo-gitops"))).filter(
      (f) => f.endsWith(".blob"),
    );
    const dir = await emptyRoot();

    // An edit the bytes would show: the render must come from the edited sources.
    const serialize = join(copy, "generate", "serialize.ts");
    await writeFile(
      serialize,
      (await readFile(serialize, "utf8")).replace(
        "export function toYaml(value: unknown): string {",
        'export function toYaml(value: unknown): string {\n  if (value !== undefined) return "edited\\n";',
      ),
    );
    const result = run(
      [
        "--snapshot-blob",
        join(copy, "node_modules", ".cache", "todo-gitops", blob!),
        "render",
        "--root",
        dir,
      ],
      { env: BUNDLE },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/snapshot [0-9a-f]{16} is stale: launch\.mjs/);
    expect(result.stderr).toMatch(/^todo-gitops: bundle [0-9a-f]{16}$/m);
    const rendered = await output(dir);
    expect([...rendered.rendered.values()].every((text) => text === "edited\n")).toBe(true);
  }, 120_000);
});
