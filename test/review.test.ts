/**
 * The risks the pull-request comment names (scripts/review.ts), each proved on real commits of a
 * scratch clone: a change is committed over the repository's rendered output, and the two
 * commits are read from git objects, as the comment workflow reads them.
 */
import { readFile, rm, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type Risk, risks } from "../scripts/review.ts";
import { markdown, readTreeAt, summarize } from "../scripts/rendered-summary.ts";
import { git, scratchRepo } from "./helpers.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

type Edit = (dir: string) => Promise<void>;

/** Edits a rendered file's object in place. */
const edit =
  (file: string, change: (o: Record<string, any>) => void): Edit =>
  async (dir) => {
    const path = join(dir, file);
    const object = parse(await readFile(path, "utf8"));
    change(object);
    await writeFile(path, stringify(object));
  };

/** The risks between a base commit and a head commit that made `edits`. */
async function risksOf(...edits: Edit[]): Promise<{ found: Risk[]; text: string }> {
  return risksOver([], ...edits);
}

/** `risksOf`, with `before` edits made to the base commit first. */
async function risksOver(
  baseEdits: Edit[],
  ...edits: Edit[]
): Promise<{ found: Risk[]; text: string }> {
  const dir = await scratchRepo();
  dirs.push(dir);
  for (const e of baseEdits) await e(dir);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", ".");
  git(dir, "commit", "-qm", "base");
  const base = git(dir, "rev-parse", "HEAD");
  for (const e of edits) await e(dir);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "change");
  const head = git(dir, "rev-parse", "HEAD");
  const [before, after] = [readTreeAt(dir, base), readTreeAt(dir, head)];
  const found = risks(before, after);
  return { found, text: markdown(summarize(before, after), { base, head }, found) };
}

const of = (found: Risk[], kind: Risk["kind"]) => found.filter((r) => r.kind === kind);

describe("changes the API server refuses in place", () => {
  it.each([
    [
      "a Deployment's selector",
      edit("rendered/staging/deployment-todo-backend.yaml", (o) => {
        o.spec.selector.matchLabels.tier = "api";
        o.spec.template.metadata.labels.tier = "api";
      }),
      "Deployment/todo-backend",
      "spec.selector",
    ],
    [
      "a StatefulSet's volumeClaimTemplates",
      edit("rendered/minikube/statefulset-todo-db.yaml", (o) => {
        o.spec.volumeClaimTemplates[0].spec.resources.requests.storage = "5Gi";
      }),
      "StatefulSet/todo-db",
      "spec.volumeClaimTemplates",
    ],
    [
      "a StatefulSet's serviceName",
      edit("rendered/minikube/statefulset-todo-db.yaml", (o) => (o.spec.serviceName = "other")),
      "StatefulSet/todo-db",
      "spec.serviceName",
    ],
    [
      "a Service's clusterIP",
      edit("rendered/staging/service-todo-backend-svc.yaml", (o) => (o.spec.clusterIP = "None")),
      "Service/todo-backend-svc",
      "spec.clusterIP",
    ],
  ])("%s: named, with what the sync will do", async (_, change, object, field) => {
    const { found, text } = await risksOf(change);
    const refused = of(found, "refused");
    expect(refused.map((r) => [r.object, r.message.split(" ")[0]])).toEqual([[object, field]]);
    expect(refused[0]!.message).toMatch(/the sync fails .*Replace=true/);
    expect(text).toContain("**refused by the API server**");
  });

  it("a Job's pod template, unless Argo CD replaces it as a hook", async () => {
    const template = (o: Record<string, any>) =>
      (o.spec.template.spec.containers[0].args = ["--again"]);
    const hook = await risksOf(edit("rendered/minikube/job-todo-backend-migrate.yaml", template));
    expect(of(hook.found, "refused")).toEqual([]);
    const plain = await risksOf(
      edit("rendered/minikube/job-todo-backend-migrate.yaml", (o) => {
        delete o.metadata.annotations["argocd.argoproj.io/hook"];
        template(o);
      }),
    );
    expect(of(plain.found, "refused").map((r) => r.message.split(" ")[0])).toEqual([
      "spec.template",
    ]);
  });

  it("a claim's spec, except a larger storage request", async () => {
    const file = "rendered/minikube/persistentvolumeclaim-data.yaml";
    const claim =
      (storage: string, storageClassName = "standard"): Edit =>
      (dir) =>
        writeFile(
          join(dir, file),
          stringify({
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: "data", namespace: "todo" },
            spec: { storageClassName, resources: { requests: { storage } } },
          }),
        );
    const refused = async (from: Edit, to: Edit) =>
      of((await risksOver([from], to)).found, "refused").map((r) => r.message.split(" cannot")[0]);
    expect(await refused(claim("1Gi"), claim("2Gi"))).toEqual([]);
    expect(await refused(claim("2Gi"), claim("1Gi"))).toEqual([
      "spec.resources.requests.storage (a decrease)",
    ]);
    expect(await refused(claim("1Gi"), claim("1Gi", "fast"))).toEqual([
      "spec (other than resources.requests.storage)",
    ]);
  });

  it("is quiet about what may change in place: replicas, a label, an image", async () => {
    const { found } = await risksOf(
      edit("rendered/staging/deployment-todo-backend.yaml", (o) => {
        o.spec.replicas = 4;
        o.metadata.labels.team = "a";
        o.spec.template.spec.containers[0].image = "ghcr.io/x/todo-backend:2";
      }),
    );
    expect(of(found, "refused")).toEqual([]);
  });
});

describe("what prune deletes", () => {
  it("says a removed object goes on merge where sync is automated, and at the next sync elsewhere", async () => {
    const { found, text } = await risksOf(
      (dir) => unlink(join(dir, "rendered/minikube/configmap-todo-config.yaml")),
      (dir) => unlink(join(dir, "rendered/staging/configmap-todo-config.yaml")),
    );
    const pruned = of(found, "pruned").map((r) => [r.group, r.object, r.message]);
    expect(pruned).toEqual([
      ["minikube", "ConfigMap/todo-config", expect.stringMatching(/when this merges/)],
      ["staging", "ConfigMap/todo-config", expect.stringMatching(/at the next sync/)],
    ]);
    expect(text).toContain("**deleted by prune**");
  });
});

describe("images, replicas, resources and probes", () => {
  it("shows each old -> new", async () => {
    const { found } = await risksOf(
      edit("rendered/staging/deployment-todo-backend.yaml", (o) => {
        const c = o.spec.template.spec.containers[0];
        c.image = "ghcr.io/acme/todo-backend:1.1.0@sha256:" + "a".repeat(64);
        c.resources.limits.memory = "1Gi";
        c.readinessProbe.periodSeconds = 30;
        o.spec.replicas = 3;
      }),
    );
    expect(of(found, "image")[0]!.message).toMatch(
      /image \S+ -> ghcr\.io\/acme\/todo-backend:1\.1\.0@sha256:a{64}/,
    );
    expect(of(found, "scale")[0]!.message).toMatch(/^replicas \d+ -> 3$/);
    expect(of(found, "resources")[0]!.message).toContain('"memory":"1Gi"');
    expect(of(found, "probes")[0]!.message).toMatch(/readinessProbe .*"periodSeconds":30/);
  });
});

describe("Argo CD", () => {
  it("names sync policy toggles, widened permissions and changed destinations", async () => {
    const { found } = await risksOf(
      edit("argocd/application-todo-minikube.yaml", (o) => {
        o.spec.syncPolicy.automated.prune = false;
        o.spec.destination.namespace = "todo-2";
      }),
      edit("argocd/application-todo-staging.yaml", (o) => {
        o.spec.syncPolicy.automated = { enabled: true };
      }),
      edit("argocd/appproject-todo.yaml", (o) => {
        o.spec.clusterResourceWhitelist = [
          ...(o.spec.clusterResourceWhitelist ?? []),
          { group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
        ];
      }),
    );
    const messages = of(found, "argocd").map((r) => `${r.object}: ${r.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "Application/todo-minikube: prune turned off",
        expect.stringMatching(/^Application\/todo-minikube: destination .*"todo".* -> .*"todo-2"/),
        "Application/todo-staging: automated sync turned on",
        expect.stringMatching(
          /^AppProject\/todo: permissions widened: spec\.clusterResourceWhitelist gains .*ClusterRole/,
        ),
      ]),
    );
  });

  it("names an Application added or removed", async () => {
    const { found } = await risksOf(
      (dir) => unlink(join(dir, "argocd/application-todo-staging.yaml")),
      async (dir) => {
        const text = await readFile(join(dir, "argocd/application-todo-minikube.yaml"), "utf8");
        await writeFile(
          join(dir, "argocd/application-todo-extra.yaml"),
          text.replace("name: todo-minikube", "name: todo-extra"),
        );
      },
    );
    const messages = of(found, "argocd").map((r) => `${r.object}: ${r.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Application\/todo-extra: a new Application/),
        expect.stringMatching(/^Application\/todo-staging: Application removed/),
      ]),
    );
  });

  it("says which changed environments sync on merge and which wait for a person", async () => {
    const { found, text } = await risksOf(
      edit("rendered/minikube/configmap-todo-config.yaml", (o) => (o.data.LOG_LEVEL = "DEBUG")),
      edit("rendered/staging/configmap-todo-config.yaml", (o) => (o.data.LOG_LEVEL = "DEBUG")),
    );
    const sync = of(found, "sync").map((r) => [r.group, r.message]);
    expect(sync).toEqual([
      ["minikube", "syncs automatically when this merges"],
      ["staging", "waits for a person to sync it in the Argo CD UI"],
    ]);
    expect(text).toContain("**on merge**: `minikube`");
    expect(text.indexOf("#### Risks")).toBeLessThan(text.indexOf("#### environment"));
  });
});

describe("docs/review/", () => {
  it("holds the comment and the drift gate's output as the scripts write them (npm run review-examples)", async () => {
    const { EXAMPLES, examples } = await import("../scripts/review-examples.ts");
    const { comment, driftGate } = await examples();
    expect(await readFile(join(EXAMPLES, "comment.md"), "utf8")).toBe(comment);
    expect(await readFile(join(EXAMPLES, "drift-gate.md"), "utf8")).toBe(driftGate);
    expect(comment).toContain("`data.LOG_LEVEL`: `INFO` → `DEBUG`");
    expect(driftGate).toContain("Fix: npm run render");
  });
});
