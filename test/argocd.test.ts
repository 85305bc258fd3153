/**
 * The Argo CD objects: least-privilege projects, one Application per environment whose sync
 * policy is the environment's, an app-of-apps that never manages itself, and checks that catch
 * what the models' validate() lets through.
 */
import { rm, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import type { IAppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { project } from "../generate/project.ts";
import { kindsOf } from "../generate/objects/argocd.ts";
import { renderAll } from "../generate/pipeline/render.ts";
import { RenderError } from "../generate/pipeline/validate.ts";
import type { KubeObject } from "../generate/types.ts";
import { ARGOCD_RULES } from "../generate/rules/index.ts";
import { validateArgocd } from "../generate/pipeline/validate.ts";
import { clone, ENTRY, ENVIRONMENTS, environment, run, scratchRepo, tree } from "./helpers.ts";

const files = renderAll(ENVIRONMENTS);
const argocd = [...files]
  .filter(([path]) => path.startsWith("argocd/"))
  .map(([, text]) => parse(text) as KubeObject);
const app = (name: string) =>
  argocd.find(
    (o) => o.kind === "Application" && o.metadata?.name === name,
  ) as unknown as IApplication;
const proj = (name: string) =>
  argocd.find(
    (o) => o.kind === "AppProject" && o.metadata?.name === name,
  ) as unknown as IAppProject;

/** Problems after `mutate` changed a copy of the Argo CD objects. */
function problemsAfter(mutate: (objects: Record<string, any>[]) => void) {
  const objects = clone(argocd) as Record<string, any>[];
  mutate(objects);
  const rendered = new Map([...files].map(([path, text]) => [path, parse(text) as KubeObject]));
  return validateArgocd([], objects as KubeObject[], rendered, ENVIRONMENTS);
}
const get = (objects: Record<string, any>[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)!;

describe("argocd/", () => {
  it("holds the AppProjects, one Application per environment and the root Application", () => {
    expect([...files.keys()].filter((p) => p.startsWith("argocd/")).sort()).toEqual(
      [
        "argocd/application-todo-apps.yaml",
        ...ENVIRONMENTS.map((e) => `argocd/application-todo-${e.name}.yaml`),
        "argocd/appproject-todo-bootstrap.yaml",
        "argocd/appproject-todo.yaml",
      ].sort(),
    );
    expect(problemsAfter(() => {})).toEqual([]);
  });

  it.each(ENVIRONMENTS.map((e) => [e.name, e] as const))(
    "Application todo-%s deploys rendered/<env> as the environment says",
    (name, env) => {
      const a = app(`todo-${name}`);
      expect(a.metadata?.namespace).toBe("argocd");
      expect(a.metadata?.finalizers).toEqual(["resources-finalizer.argocd.argoproj.io"]);
      expect(a.spec.project).toBe(env.argocd.project);
      expect(a.spec.source).toEqual({
        repoURL: project.repoURL,
        targetRevision: env.argocd.targetRevision,
        path: `rendered/${name}`,
      });
      expect(a.spec.destination).toEqual({ server: env.argocd.server, namespace: env.namespace });
      expect(a.spec.syncPolicy?.retry?.limit).toBeGreaterThan(0);
      expect(a.spec.syncPolicy?.retry?.backoff?.factor).toBeGreaterThan(1);
      if (env.argocd.sync === "automated") {
        expect(a.spec.syncPolicy?.automated).toEqual({
          enabled: true,
          prune: true,
          selfHeal: true,
        });
      } else {
        expect(a.spec.syncPolicy?.automated).toBeUndefined();
      }
    },
  );

  it("minikube syncs on its own; staging waits for a person", () => {
    expect(app("todo-minikube").spec.syncPolicy?.automated?.enabled).toBe(true);
    expect(app("todo-staging").spec.syncPolicy?.automated).toBeUndefined();
  });

  it("AppProject todo permits this repository, each environment's destination and only the rendered kinds", () => {
    const p = proj("todo");
    expect(p.spec?.sourceRepos).toEqual([project.repoURL]);
    expect(p.spec?.destinations).toEqual(
      expect.arrayContaining(
        ENVIRONMENTS.map((e) => ({ server: e.argocd.server, namespace: e.namespace })),
      ),
    );
    const rendered = [...files]
      .filter(([path]) => path.startsWith("rendered/"))
      .map(([, text]) => parse(text) as KubeObject);
    const kinds = kindsOf(rendered);
    expect(p.spec?.clusterResourceWhitelist).toEqual([{ group: "", kind: "Namespace" }]);
    expect(p.spec?.namespaceResourceWhitelist).toEqual(kinds.namespaced);
    expect(p.spec?.namespaceResourceWhitelist?.map((gk) => gk.kind)).not.toContain("Secret");
  });

  it("the root Application syncs argocd/ without itself, in a project limited to Argo CD objects", () => {
    const root = app(project.rootApplication);
    expect(root.spec.source?.path).toBe("argocd");
    expect(root.spec.source?.directory?.exclude).toBe(
      `{application-${project.rootApplication}.yaml}`,
    );
    const p = proj(project.rootProject);
    expect(p.spec?.clusterResourceWhitelist).toEqual([]);
    expect(
      p.spec?.namespaceResourceWhitelist?.map((gk) => `${gk.group}/${gk.kind}`).sort(),
    ).toEqual(["argoproj.io/AppProject", "argoproj.io/Application"]);
  });

  it("orders what others need first: the ExternalSecret and the database before the Deployments", () => {
    const wave = (path: string) => {
      const annotations = (parse(files.get(path)!) as KubeObject).metadata?.annotations as
        Record<string, string> | undefined;
      return Number(annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
    };
    expect(wave("rendered/staging/externalsecret-todo-secrets.yaml")).toBeLessThan(
      wave("rendered/staging/deployment-todo-backend.yaml"),
    );
    expect(wave("rendered/minikube/statefulset-todo-db.yaml")).toBeLessThan(
      wave("rendered/minikube/deployment-todo-backend.yaml"),
    );
  });
});

describe("the Argo CD rules catch", () => {
  const cases: [string, (o: Record<string, any>[]) => void, RegExp][] = [
    [
      "a typo in the sync policy",
      (o) => (get(o, "Application", "todo-minikube").spec.syncPolicy.automated.prunee = true),
      /spec\.syncPolicy\.automated: Unrecognized key: "prunee"/,
    ],
    [
      "a destination server that is not a URL",
      (o) => (get(o, "Application", "todo-staging").spec.destination.server = "foo"),
      /spec\.destination\.server: must be an https:\/\//,
    ],
    [
      "a path outside rendered/",
      (o) => (get(o, "Application", "todo-staging").spec.source.path = "rendered/../secrets"),
      /spec\.source\.path: must be rendered\/<env>/,
    ],
    [
      "a path with no manifests",
      (o) => (get(o, "Application", "todo-staging").spec.source.path = "rendered/production"),
      /rendered\/production\) holds no rendered manifests/,
    ],
    [
      "a project that does not exist",
      (o) => (get(o, "Application", "todo-staging").spec.project = "default"),
      /spec\.project: \(default\) is not a rendered AppProject/,
    ],
    [
      "a destination the project does not permit",
      (o) => (get(o, "Application", "todo-minikube").spec.destination.namespace = "kube-system"),
      /spec\.destination: \(https:\/\/kubernetes\.default\.svc, kube-system\) is not permitted/,
    ],
    [
      "a source from another repository",
      (o) =>
        (get(o, "Application", "todo-minikube").spec.source.repoURL =
          "https://github.com/someone/else.git"),
      /spec\.source\.repoURL: must be this repository/,
    ],
    [
      "a kind the project does not permit",
      (o) => get(o, "AppProject", "todo").spec.namespaceResourceWhitelist.splice(0, 1),
      /does not permit ConfigMap/,
    ],
    [
      "a recursive directory source",
      (o) => (get(o, "Application", "todo-minikube").spec.source.directory = { recurse: true }),
      /directory\.recurse: must be false/,
    ],
    [
      "a directory block that only repeats Argo CD's defaults (Argo CD rewrites it away)",
      (o) => (get(o, "Application", "todo-minikube").spec.source.directory = { recurse: false }),
      /directory: must be left out when it only repeats Argo CD's defaults/,
    ],
    [
      "a root Application that would manage itself",
      (o) =>
        (get(o, "Application", project.rootApplication).spec.source.directory.exclude =
          "{README.md}"),
      /must exclude its own file/,
    ],
    [
      "an Application outside Argo CD's namespace",
      (o) => (get(o, "Application", "todo-minikube").metadata.namespace = "todo"),
      /metadata\.namespace: \(todo\) must be Argo CD's namespace/,
    ],
  ];
  const found = new Set<string>();
  it.each(cases)("%s", (_, mutate, expected) => {
    for (const p of problemsAfter(mutate)) found.add(p.rule ?? "");
    const problems = problemsAfter(mutate).map(
      (p) => `[${p.rule}] ${p.object}: ${p.field}: ${p.message}`,
    );
    expect(
      problems.some((p) => expected.test(p)),
      problems.join("\n"),
    ).toBe(true);
  });
  it("each Argo CD rule finds one of these breaks", () => {
    expect([...found].sort()).toEqual(ARGOCD_RULES.map((r) => r.id).sort());
  });
});

describe("a misconfigured environment fails the render and writes nothing", () => {
  it("rejects an Application in a project that is not rendered", () => {
    const env = environment("staging");
    env.argocd.project = "todo-prod";
    expect(() => renderAll([environment("minikube"), env])).toThrow(RenderError);
    expect(() => renderAll([environment("minikube"), env])).toThrow(
      /Application\/todo-staging: spec\.project: \(todo-prod\) is not a rendered AppProject/,
    );
  });

  it.each([
    [
      "an unknown destination",
      'server: "https://staging.k8s.example.com"',
      'server: "staging-cluster"',
      /argocd\.server: must be an https:\/\/ API server URL/,
    ],
    [
      "a wrong project",
      'sync: "manual",',
      'sync: "manual",\n    project: "todo-prod",',
      /spec\.project: \(todo-prod\) is not a rendered AppProject/,
    ],
  ])("via the CLI: %s", async (_, from, to, expected) => {
    const dir = await scratchRepo();
    try {
      const file = join(dir, "environments/staging.ts");
      const source = await readFile(file, "utf8");
      expect(source).toContain(from);
      await writeFile(file, source.replace(from, to));
      const before = await tree(dir);
      const result = run([ENTRY, "render", "--root", dir]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(expected);
      expect(await tree(dir)).toEqual(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
