/**
 * `npm run render` and `npm run check` as a user runs them: byte-stable output, and a check mode
 * that writes nothing and reports each kind of drift with the command that fixes it.
 */
import { mkdtemp, readFile, rm, unlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO, run, scratchRepo, tree } from "./helpers.ts";

// The launcher, as `npm run render` runs it: bundled generator, same bytes.
const CLI = join(REPO, "generate/launch.mjs");
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

  it("gives the same bytes unbundled (generate/cli.ts) as through the launcher", async () => {
    const dir = await repo();
    await rm(join(dir, "rendered"), { recursive: true });
    const result = run([join(REPO, "generate/cli.ts"), "render", "--root", dir]);
    expect(result.status, result.stderr).toBe(0);
    expect(await tree(join(dir, "rendered"))).toEqual(await tree(join(REPO, "rendered")));
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

  it("is what npm run check runs", async () => {
    const pkg = JSON.parse(await readFile(join(REPO, "package.json"), "utf8"));
    expect(pkg.scripts.check).toBe("node generate/launch.mjs check");
    expect(pkg.scripts.render).toBe("node generate/launch.mjs render");
  });
});
