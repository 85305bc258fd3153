/**
 * `npm run render` and `npm run check` as a user runs them: byte-stable output, and a check mode
 * that writes nothing and reports each kind of drift with the command that fixes it.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ENTRY, REPO, run, scratchRepo, tree } from "./helpers.ts";

const CLI = ENTRY;
const scratch: string[] = [];
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function repo(): Promise<string> {
  const dir = await scratchRepo();
  scratch.push(dir);
  return dir;
}

describe("render", () => {
  it("reproduces the committed rendered/ and argocd/ byte for byte", async () => {
    const dir = await repo();
    await rm(join(dir, "rendered"), { recursive: true });
    await rm(join(dir, "argocd"), { recursive: true });
    const result = run([CLI, "render", "--root", dir]);
    expect(result.status, result.stderr).toBe(0);
    for (const part of ["rendered", "argocd"]) {
      expect(await tree(join(dir, part))).toEqual(await tree(join(REPO, part)));
    }
  });

  it("gives the same bytes from another working directory, time zone and locale", async () => {
    const a = await repo();
    const b = await repo();
    const elsewhere = await mkdtemp(join(tmpdir(), "cwd-"));
    scratch.push(elsewhere);
    expect(
      run([CLI, "render", "--root", a], { env: { ...process.env, TZ: "UTC", LANG: "C" } }).status,
    ).toBe(0);
    const other = run([CLI, "render", "--root", b], {
      cwd: elsewhere,
      env: {
        ...process.env,
        TZ: "Pacific/Chatham",
        LANG: "tr_TR.UTF-8",
        LC_ALL: "tr_TR.UTF-8",
        HOME: elsewhere,
      },
    });
    expect(other.status, other.stderr).toBe(0);
    expect(await tree(join(b, "rendered"))).toEqual(await tree(join(a, "rendered")));
    expect(await tree(join(b, "argocd"))).toEqual(await tree(join(a, "argocd")));
  });

  it("removes files of objects that are no longer rendered", async () => {
    const dir = await repo();
    await writeFile(join(dir, "rendered/minikube/deployment-old.yaml"), "stale\n");
    await mkdir(join(dir, "rendered/gone"));
    await writeFile(join(dir, "rendered/gone/x.yaml"), "stale\n");
    expect(run([CLI, "render", "--root", dir]).status).toBe(0);
    expect(await tree(join(dir, "rendered"))).toEqual(await tree(join(REPO, "rendered")));
  });

  it("writes nothing and names environment, field and rule when an environment is invalid", async () => {
    const dir = await repo();
    const file = join(dir, "environments/staging.ts");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace(
        'name: "staging",',
        'name: "staging",\n  namespace: "Todo App",',
      ),
    );
    await writeFile(join(dir, "rendered/minikube/configmap-todo-config.yaml"), "edited\n");
    const before = await tree(dir);
    const result = run([CLI, "render", "--root", dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('environment "staging" is invalid');
    expect(result.stderr).toContain("namespace: must be a DNS-1123 label");
    expect(result.stderr).toContain("nothing was written");
    expect(await tree(dir)).toEqual(before);
  });
});

describe("the entry point", () => {
  it("leaves no process behind: everything it started has ended when it returns", async () => {
    const dir = await repo();
    // Every process the render starts inherits this variable; /proc shows who still holds it.
    const marker = `TODO_GITOPS_PROBE=${randomUUID()}`;
    const [key, value] = marker.split("=") as [string, string];
    // A cache of its own: this run also builds the generator's bundle.
    const cache = await mkdtemp(join(tmpdir(), "todo-cache-"));
    scratch.push(cache);
    const env = { ...process.env, [key]: value, XDG_CACHE_HOME: cache };
    const result = run([CLI, "render", "--root", dir], { env });
    expect(result.status, result.stderr).toBe(0);
    expect(await readdir(join(cache, "todo-gitops"))).toHaveLength(1);
    const holders: string[] = [];
    for (const pid of await readdir("/proc")) {
      if (!/^[0-9]+$/.test(pid)) continue;
      const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
      if (environ.split("\0").includes(marker)) holders.push(pid);
    }
    expect(holders).toEqual([]);
  });

  it("loads the generator from one cached bundle, built once, with the sources' bytes", async () => {
    const cache = await mkdtemp(join(tmpdir(), "todo-cache-"));
    scratch.push(cache);
    const render = async (env: NodeJS.ProcessEnv) => {
      const dir = await repo();
      await rm(join(dir, "rendered"), { recursive: true });
      const result = run([CLI, "render", "--root", dir], { env: { ...process.env, ...env } });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toBe("");
      return tree(join(dir, "rendered"));
    };
    const fromSources = await render({ TODO_GITOPS_BUNDLE: "off", XDG_CACHE_HOME: cache });
    expect(existsSync(join(cache, "todo-gitops"))).toBe(false);
    expect(await render({ XDG_CACHE_HOME: cache })).toEqual(fromSources);
    const [bundle, ...others] = await readdir(join(cache, "todo-gitops"));
    expect(others).toEqual([]); // no temporary file left
    expect(bundle).toMatch(/^generator-[0-9a-f]{12}-[0-9a-f]{32}\.mjs$/);
    const built = (await stat(join(cache, "todo-gitops", bundle!))).mtimeMs;
    expect(await render({ XDG_CACHE_HOME: cache })).toEqual(fromSources);
    expect((await stat(join(cache, "todo-gitops", bundle!))).mtimeMs).toBe(built);
  });

  it("renders from the sources when its bundle is broken, and builds it again next time", async () => {
    const cache = await mkdtemp(join(tmpdir(), "todo-cache-"));
    scratch.push(cache);
    const env = { ...process.env, XDG_CACHE_HOME: cache };
    const dir = await repo();
    expect(run([CLI, "check", "--root", dir], { env }).status).toBe(0);
    const [bundle] = await readdir(join(cache, "todo-gitops"));
    const file = join(cache, "todo-gitops", bundle!);
    await writeFile(file, "export const main = ;\n");
    const broken = run([CLI, "check", "--root", dir], { env });
    expect(broken.status, broken.stderr).toBe(0);
    expect(broken.stdout).toContain("no drift");
    expect(existsSync(file)).toBe(false);
    expect(run([CLI, "check", "--root", dir], { env }).status).toBe(0);
    expect((await readFile(file, "utf8")).length).toBeGreaterThan(100_000);
  });

  it("refuses a Node it cannot run on, naming the Node it needs, and writes nothing", async () => {
    const old = olderNode();
    if (old === undefined) return void console.warn("no Node older than 24 on PATH: not tried");
    const dir = await repo();
    const before = await tree(dir);
    const result = spawnSync(old, [CLI, "render", "--root", dir], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/needs Node 24 or newer; this is Node v[0-9]+/);
    expect(await tree(dir)).toEqual(before);
  });

  it("asks for Node 24, the major of the Node the project pins", async () => {
    const pkg = JSON.parse(await readFile(join(REPO, "package.json"), "utf8"));
    const pinned = Number(String(pkg.devDependencies.node).split(".")[0]);
    expect(await readFile(CLI, "utf8")).toContain(`const NEEDED = ${pinned};`);
  });
});

/** A `node` on PATH older than 24 (this machine's own Node 20), if there is one. */
function olderNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const node = join(dir, "node");
    const version = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8" });
    if (version.status === 0 && Number(version.stdout.split(".")[0]) < 24) return node;
  }
  return undefined;
}

describe("check", () => {
  const check = (dir: string) => run([CLI, "check", "--root", dir]);

  it("passes on the committed tree", async () => {
    const result = check(REPO);
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toContain("no drift");
  });

  const drifts: [string, (dir: string) => Promise<void>, RegExp][] = [
    [
      "an edited file",
      (dir) =>
        writeFile(join(dir, "rendered/minikube/service-todo-backend-svc.yaml"), "edited: true\n"),
      /changed\s+rendered\/minikube\/service-todo-backend-svc\.yaml/,
    ],
    [
      "a deleted file",
      (dir) => unlink(join(dir, "rendered/staging/httproute-todo-route.yaml")),
      /missing\s+rendered\/staging\/httproute-todo-route\.yaml/,
    ],
    [
      "an extra file",
      (dir) => writeFile(join(dir, "rendered/minikube/extra.yaml"), "kind: ConfigMap\n"),
      /extra\s+rendered\/minikube\/extra\.yaml/,
    ],
    [
      "an edited Argo CD Application",
      (dir) => writeFile(join(dir, "argocd/application-todo-staging.yaml"), "edited: true\n"),
      /changed\s+argocd\/application-todo-staging\.yaml/,
    ],
    [
      "an extra file in argocd/",
      (dir) => writeFile(join(dir, "argocd/notes.txt"), "hi\n"),
      /extra\s+argocd\/notes\.txt/,
    ],
  ];
  it.each(drifts)(
    "fails on %s, names it, prints the fix and writes nothing",
    async (_, change, expected) => {
      const dir = await repo();
      await change(dir);
      const before = await tree(dir);
      const result = check(dir);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(expected);
      expect(result.stdout).toContain("Fix: npm run render");
      expect(result.stdout).toMatch(/^--- a\//m);
      expect(await tree(dir)).toEqual(before);
    },
  );

  it("has .ci/run run the README's test command", async () => {
    const commands = (await readFile(join(REPO, ".ci/run"), "utf8"))
      .split("\n")
      .filter((line) => /^npm /.test(line));
    expect(commands).toEqual(["npm ci --no-audit --no-fund", "npm test"]);
    expect(await readFile(join(REPO, "README.md"), "utf8")).toContain("npm ci && npm test ");
  });

  it("has a quick test command: npm test without the cluster suite", async () => {
    const pkg = JSON.parse(await readFile(join(REPO, "package.json"), "utf8"));
    const steps = (script: string) => String(pkg.scripts[script]).split(" && ");
    expect(steps("test")).toContain("npm run test:cluster");
    expect(steps("test:quick")).toEqual(steps("test").filter((s) => s !== "npm run test:cluster"));
  });

  it("is what npm run check runs", async () => {
    const pkg = JSON.parse(await readFile(join(REPO, "package.json"), "utf8"));
    expect(pkg.scripts.check).toBe("node generate/shell/main.mjs check");
    expect(pkg.scripts.render).toBe("node generate/shell/main.mjs render");
  });
});
