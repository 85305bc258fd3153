/**
 * Output rules (generate/rules/): each is shown a failing and a passing set of objects, and the
 * real environments pass every rule.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ENVIRONMENT_RULES, RULES } from "../generate/rules/index.ts";
import { distinctProbes } from "../generate/rules/distinct-probes.ts";
import { ephemeralStorage } from "../generate/rules/ephemeral-storage.ts";
import { gracefulStop } from "../generate/rules/graceful-stop.ts";
import { labelSyntax } from "../generate/rules/label-syntax.ts";
import { syncPosition, waveOrder } from "../generate/rules/wave-order.ts";
import { providedSecrets } from "../generate/objects/components/secrets.ts";
import { buildObjects } from "../generate/pipeline/render.ts";
import type { KubeObject, Validatable } from "../generate/types.ts";
import { clone, ENVIRONMENTS, environment, objectsOf } from "./helpers.ts";

const context = (name: string) => {
  const env = environment(name);
  return { namespace: env.namespace, providedSecrets: providedSecrets(env) };
};

function setWave(objects: KubeObject[], kind: string, name: string, wave: string | undefined) {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (o === undefined) throw new Error(`${kind}/${name} is not rendered`);
  const meta = o.metadata as { annotations?: Record<string, string> };
  meta.annotations ??= {};
  if (wave === undefined) delete meta.annotations["argocd.argoproj.io/sync-wave"];
  else meta.annotations["argocd.argoproj.io/sync-wave"] = wave;
}

describe("every output rule", () => {
  for (const env of ENVIRONMENTS)
    it(`passes on ${env.name}`, () => {
      const objects = objectsOf(env);
      for (const rule of ENVIRONMENT_RULES)
        expect(rule.check(objects, context(env.name)), rule.id).toEqual([]);
    });

  it("has a unique kebab-case id and a one-line description", () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.description).not.toContain("\n");
    }
  });
});

describe("wave-order", () => {
  const minikube = () => clone(objectsOf(environment("minikube")));
  const staging = () => clone(objectsOf(environment("staging")));

  it("refuses a StatefulSet whose ServiceAccount comes in a later wave (the first-sync deadlock)", () => {
    const objects = minikube();
    setWave(objects, "ServiceAccount", "todo-db", undefined);
    const found = waveOrder.check(objects, context("minikube"));
    expect(found).toContainEqual(
      expect.objectContaining({
        rule: "wave-order",
        object: "StatefulSet/todo-db",
        field: "spec.template.spec.serviceAccountName",
      }),
    );
    expect(found[0]?.message).toMatch(/ServiceAccount\/todo-db.*wave 0.*wave -2/);
  });

  it("refuses a hook Job whose ConfigMap or reached Service comes later", () => {
    const objects = minikube();
    setWave(objects, "ConfigMap", "todo-config", "0");
    setWave(objects, "Service", "todo-db-svc", "0");
    const found = waveOrder.check(objects, context("minikube"));
    const job = found.filter((p) => p.object === "Job/todo-backend-migrate");
    expect(job.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("ConfigMap/todo-config"),
        expect.stringContaining("Service/todo-db-svc"),
      ]),
    );
  });

  it("follows a Secret to the ExternalSecret that creates it", () => {
    const objects = staging();
    setWave(objects, "ExternalSecret", "todo-secrets", "1");
    const found = waveOrder.check(objects, context("staging"));
    expect(found.some((p) => p.message.includes("ExternalSecret/todo-secrets"))).toBe(true);
    expect(found.some((p) => p.object === "Job/todo-backend-migrate")).toBe(true);
  });

  it("refuses an object in an earlier wave than its Namespace", () => {
    const objects = minikube();
    setWave(objects, "Namespace", "todo", "5");
    const found = waveOrder.check(objects, context("minikube"));
    expect(found.some((p) => p.field === "metadata.namespace")).toBe(true);
  });

  it("accepts dependencies in the same wave, and Secrets the environment provides", () => {
    const objects = minikube();
    for (const o of objects) setWave(objects, o.kind, o.metadata?.name ?? "", "0");
    expect(waveOrder.check(objects, context("minikube"))).toEqual([]);
  });

  it("orders hooks by phase before wave", () => {
    const pre = {
      kind: "Job",
      metadata: {
        annotations: { "argocd.argoproj.io/hook": "PreSync", "argocd.argoproj.io/sync-wave": "5" },
      },
    } as unknown as KubeObject;
    const sync = {
      kind: "Job",
      metadata: { annotations: { "argocd.argoproj.io/sync-wave": "-9" } },
    } as unknown as KubeObject;
    expect(syncPosition(pre).phase).toBeLessThan(syncPosition(sync).phase);
  });
});

/** A fresh copy of minikube's objects, to break one of them in a test. */
const fresh = (): KubeObject[] => clone(objectsOf(environment("minikube")));
const pick = (objects: KubeObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (o === undefined) throw new Error(`${kind}/${name}`);
  // plain JSON, reached into freely by the tests
  return o as any;
};

describe("ephemeral-storage", () => {
  it("refuses a container without an ephemeral-storage limit and an emptyDir without sizeLimit", () => {
    const objects = fresh();
    const d = pick(objects, "Deployment", "todo-backend");
    delete d.spec.template.spec.containers[0].resources.limits["ephemeral-storage"];
    delete d.spec.template.spec.volumes[0].emptyDir.sizeLimit;
    const found = ephemeralStorage.check(objects, context("minikube"));
    expect(found.map((p) => p.field)).toEqual([
      "spec.template.spec.containers[0].resources.limits",
      "spec.template.spec.volumes[0].emptyDir.sizeLimit",
    ]);
  });
  it("refuses emptyDirs larger than the pod's limit", () => {
    const objects = fresh();
    pick(objects, "Deployment", "todo-frontend").spec.template.spec.volumes[0].emptyDir.sizeLimit =
      "10Gi";
    expect(ephemeralStorage.check(objects, context("minikube"))).toHaveLength(1);
  });
});

describe("distinct-probes", () => {
  it("refuses a liveness probe that makes the readiness probe's check", () => {
    const objects = fresh();
    const c = pick(objects, "Deployment", "todo-frontend").spec.template.spec.containers[0];
    c.livenessProbe = { ...c.readinessProbe, periodSeconds: 30 };
    expect(distinctProbes.check(objects, context("minikube"))).toEqual([
      expect.objectContaining({ object: "Deployment/todo-frontend", rule: "distinct-probes" }),
    ]);
  });
});

describe("label-syntax", () => {
  it("refuses an annotation key the API server would refuse, such as YAML's merge key", () => {
    for (const key of ["<<", "has space", "-leading", "UPPER_prefix.io/name", "a/b/c"]) {
      const objects = fresh();
      (pick(objects, "Gateway", "todo-gateway").metadata.annotations ??= {})[key] = "x";
      const found = labelSyntax.check(objects, context("minikube"));
      expect(found, key).toEqual([
        expect.objectContaining({
          object: "Gateway/todo-gateway",
          field: `metadata.annotations.${key}`,
          rule: "label-syntax",
          message: expect.stringMatching(/is not a valid annotation key/),
        }),
      ]);
    }
  });
  it("takes any text as an annotation's value, and prefixed keys", () => {
    const objects = fresh();
    (pick(objects, "Gateway", "todo-gateway").metadata.annotations ??= {})["example.com/note"] =
      "Free text: <<, spaces, 100 characters and more".repeat(3);
    expect(labelSyntax.check(objects, context("minikube"))).toEqual([]);
  });
});

describe("graceful-stop", () => {
  it("refuses a served Deployment without a preStop pause", () => {
    const objects = fresh();
    delete pick(objects, "Deployment", "todo-backend").spec.template.spec.containers[0].lifecycle;
    expect(gracefulStop.check(objects, context("minikube"))[0]?.field).toBe(
      "spec.template.spec.containers[0].lifecycle.preStop",
    );
  });
  it("refuses a grace period that the pause uses up", () => {
    const objects = fresh();
    pick(objects, "Deployment", "todo-frontend").spec.template.spec.terminationGracePeriodSeconds =
      5;
    expect(gracefulStop.check(objects, context("minikube"))[0]?.message).toMatch(
      /must exceed the preStop pause/,
    );
  });
});

/**
 * One break per rule: each rule finds it (and only the unbroken objects pass, above). A rule
 * added without a line here fails the last test.
 */
type Json = any; // plain JSON, reached into freely
const ENV_BREAKS: Record<string, [env: string, kind: string, name: string, (o: Json) => void]> = {
  schema: ["minikube", "Deployment", "todo-backend", (o) => (o.spec.replicas = "two")],
  "object-names": [
    "minikube",
    "Service",
    "todo-backend-svc",
    (o) => (o.metadata.name = "Todo_Svc"),
  ],
  namespace: ["minikube", "ConfigMap", "todo-config", (o) => (o.metadata.namespace = "default")],
  "label-syntax": ["minikube", "ConfigMap", "todo-config", (o) => (o.metadata.labels.tier = "-x-")],
  "no-secret-values": [
    "minikube",
    "ConfigMap",
    "todo-config",
    (o) => ((o.kind = "Secret"), (o.data = { a: "Yg==" })),
  ],
  "port-syntax": [
    "minikube",
    "Service",
    "todo-backend-svc",
    (o) => (o.spec.ports[0].name = "A_Very_Long_Port_Name"),
  ],
  "probe-ports": [
    "minikube",
    "Deployment",
    "todo-backend",
    (o) => (o.spec.template.spec.containers[0].readinessProbe.httpGet.port = 9999),
  ],
  "selector-matches-template": [
    "minikube",
    "Deployment",
    "todo-frontend",
    (o) => (o.spec.selector.matchLabels.app = "other"),
  ],
  "pod-references": [
    "minikube",
    "Deployment",
    "todo-backend",
    (o) => (o.spec.template.spec.serviceAccountName = "nobody"),
  ],
  "service-targets": [
    "minikube",
    "Service",
    "todo-frontend-svc",
    (o) => (o.spec.ports[0].targetPort = 4000),
  ],
  "disruption-budget-targets": [
    "minikube",
    "PodDisruptionBudget",
    "todo-backend",
    (o) => (o.spec.selector.matchLabels = { app: "gone" }),
  ],
  "route-backends": [
    "staging",
    "Gateway",
    "todo-gateway",
    (o) => (o.spec.listeners[1].tls.certificateRefs[0].name = "not-provided"),
  ],
  "route-parents": [
    "staging",
    "HTTPRoute",
    "todo-route",
    (o) => (o.spec.hostnames = ["other.example.com"]),
  ],
  "distinct-probes": [
    "minikube",
    "StatefulSet",
    "todo-db",
    (o) => {
      const c = o.spec.template.spec.containers[0];
      c.livenessProbe = { ...c.readinessProbe };
    },
  ],
  "ephemeral-storage": [
    "minikube",
    "Job",
    "todo-backend-migrate",
    (o) => delete o.spec.template.spec.containers[0].resources.requests["ephemeral-storage"],
  ],
  "graceful-stop": [
    "minikube",
    "Deployment",
    "todo-frontend",
    (o) => (o.spec.template.spec.terminationGracePeriodSeconds = 1),
  ],
  "wave-order": [
    "minikube",
    "ConfigMap",
    "todo-config",
    (o) => (o.metadata.annotations["argocd.argoproj.io/sync-wave"] = "3"),
  ],
};

describe("each environment rule finds its break", () => {
  it.each(Object.entries(ENV_BREAKS))("%s", (id, [env, kind, name, breakIt]) => {
    const rule = ENVIRONMENT_RULES.find((r) => r.id === id)!;
    const models = buildObjects(environment(env));
    const objects = models.map((m) => JSON.parse(JSON.stringify(m.toJSON())) as KubeObject);
    const target = objects.findIndex((o) => o.kind === kind && o.metadata?.name === name);
    expect(target, `${kind}/${name}`).toBeGreaterThanOrEqual(0);
    breakIt(objects[target]);
    // The schema rule validates models: give it the broken object as a model of its own kind.
    const broken = models.map((m, i) => (i === target ? rebuilt(m, objects[target]!) : m));
    const found = rule.check(objects, { ...context(env), models: broken });
    expect(found.length, id).toBeGreaterThan(0);
    expect(found.every((p) => p.rule === id)).toBe(true);
  });

  it("covers every environment rule", () => {
    expect(Object.keys(ENV_BREAKS).sort()).toEqual(ENVIRONMENT_RULES.map((r) => r.id).sort());
  });
});

/** A model of the same class as `model`, holding `data`. */
function rebuilt(model: Validatable, data: KubeObject): Validatable {
  const Model = model.constructor as new (data: unknown) => Validatable;
  return new Model(data);
}

describe("docs/rules.md", () => {
  it("is the one generated from the rules (npm run docs)", async () => {
    const { RULES_FILE, rulesDocument } = await import("../scripts/docs.ts");
    expect(readFileSync(RULES_FILE, "utf8")).toBe(await rulesDocument());
  });
});
