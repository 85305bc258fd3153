/**
 * The validator catches what the models' own validate() lets through. Each case breaks one rule
 * in otherwise valid objects and expects one problem that names the object and the field.
 */
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Secret } from "kubernetes-models/v1/Secret";
import { describe, expect, it } from "vitest";
import { providedSecrets } from "../generate/objects/components/secrets.ts";
import { buildObjects } from "../generate/pipeline/render.ts";
import { type Problem, validateObjects } from "../generate/pipeline/validate.ts";
import type { Validatable } from "../generate/types.ts";
import { environment } from "./helpers.ts";

type Data = Record<string, any>;
const env = environment("minikube");

function problemsAfter(
  mutate: (byName: (kind: string, name: string) => Data, models: Validatable[]) => void,
): Problem[] {
  const models = buildObjects(env);
  const byName = (kind: string, name: string) => {
    const found = models.find(
      (m) => (m as unknown as Data).kind === kind && (m as unknown as Data).metadata?.name === name,
    );
    if (found === undefined) throw new Error(`${kind}/${name} missing`);
    return found as unknown as Data;
  };
  mutate(byName, models);
  return validateObjects(models, {
    namespace: env.namespace,
    providedSecrets: providedSecrets(env),
  });
}

const container = (get: (k: string, n: string) => Data, name = "todo-backend") =>
  get("Deployment", name).spec.template.spec.containers[0];

describe("validateObjects", () => {
  it("finds nothing wrong with the real objects", () => {
    expect(problemsAfter(() => {})).toEqual([]);
  });

  const cases: [
    string,
    (get: (k: string, n: string) => Data, models: Validatable[]) => void,
    Partial<Problem>,
  ][] = [
    [
      "a port name over 15 characters",
      (get) => (container(get).ports[0].name = "http-backend-api"),
      {
        object: "Deployment/todo-backend",
        field: "spec.template.spec.containers[0].ports[0].name",
      },
    ],
    [
      "containerPort 70000",
      (get) => (container(get).ports[0].containerPort = 70000),
      { field: "spec.template.spec.containers[0].ports[0].containerPort" },
    ],
    [
      "an invalid object name",
      (get) => (get("ConfigMap", "todo-config").metadata.name = "Todo_Config"),
      { object: "ConfigMap/Todo_Config", field: "metadata.name" },
    ],
    [
      "a Service name that is not a DNS label",
      (get) => (get("Service", "todo-frontend-svc").metadata.name = "todo.frontend"),
      { object: "Service/todo.frontend", field: "metadata.name" },
    ],
    [
      "an invalid label value",
      (get) =>
        (get("Service", "todo-backend-svc").metadata.labels["app.kubernetes.io/version"] =
          "1.0.0+build/7"),
      { object: "Service/todo-backend-svc", field: "metadata.labels.app.kubernetes.io/version" },
    ],
    [
      "a selector that misses the pod labels",
      (get) => (get("Deployment", "todo-frontend").spec.selector.matchLabels.app = "frontend"),
      { object: "Deployment/todo-frontend", field: "spec.selector.matchLabels" },
    ],
    [
      "a Service targetPort no container has",
      (get) => (get("Service", "todo-backend-svc").spec.ports[0].targetPort = 8080),
      { object: "Service/todo-backend-svc", field: "spec.ports[0].targetPort" },
    ],
    [
      "a Service that selects nothing",
      (get) => (get("Service", "todo-backend-svc").spec.selector = { app: "todo-api" }),
      { object: "Service/todo-backend-svc", field: "spec.selector" },
    ],
    [
      "an HTTPRoute backend to a missing Service",
      (get) => (get("HTTPRoute", "todo-route").spec.rules[0].backendRefs[0].name = "todo-api-svc"),
      { object: "HTTPRoute/todo-route", field: "spec.rules[0].backendRefs[0]" },
    ],
    [
      "an HTTPRoute backend to a missing port",
      (get) => (get("HTTPRoute", "todo-route").spec.rules[1].backendRefs[0].port = 80),
      { object: "HTTPRoute/todo-route", field: "spec.rules[1].backendRefs[0].port" },
    ],
    [
      "an HTTPRoute on a listener the Gateway does not have",
      (get) => (get("HTTPRoute", "todo-route").spec.parentRefs[0].sectionName = "https"),
      { object: "HTTPRoute/todo-route", field: "spec.parentRefs[0].sectionName" },
    ],
    [
      "an HTTPRoute attached to a Gateway that is not rendered",
      (get) => (get("HTTPRoute", "todo-route").spec.parentRefs[0].name = "shared"),
      { object: "HTTPRoute/todo-route", field: "spec.parentRefs[0]" },
    ],
    [
      "a missing ConfigMap",
      (get) => (container(get).envFrom[0].configMapRef.name = "todo-settings"),
      { field: "spec.template.spec.containers[0].envFrom" },
    ],
    [
      "a Secret nobody provides",
      (get) => (container(get).envFrom[1].secretRef.name = "todo-keys"),
      { field: "spec.template.spec.containers[0].envFrom" },
    ],
    [
      "a missing ServiceAccount",
      (get) =>
        (get("Deployment", "todo-frontend").spec.template.spec.serviceAccountName = "frontend"),
      { object: "Deployment/todo-frontend", field: "spec.template.spec.serviceAccountName" },
    ],
    [
      "a probe on a port the container lacks",
      (get) => (container(get, "todo-frontend").readinessProbe.httpGet.port = 8080),
      {
        object: "Deployment/todo-frontend",
        field: "spec.template.spec.containers[0].readinessProbe",
      },
    ],
    [
      "an object outside the namespace",
      (get) => (get("ConfigMap", "todo-config").metadata.namespace = "default"),
      { field: "metadata.namespace" },
    ],
    [
      "a StatefulSet whose Service is missing",
      (get) => (get("StatefulSet", "todo-db").spec.serviceName = "todo-db-headless"),
      { object: "StatefulSet/todo-db", field: "spec.serviceName" },
    ],
    [
      "a PodDisruptionBudget that selects nothing",
      (get) =>
        (get("PodDisruptionBudget", "todo-backend").spec.selector.matchLabels.app = "backend"),
      { object: "PodDisruptionBudget/todo-backend", field: "spec.selector" },
    ],
    [
      "a schema violation",
      (get) => (get("Deployment", "todo-backend").spec.replicas = "two"),
      { object: "Deployment/todo-backend", field: "(schema)" },
    ],
    [
      "a Secret with data",
      (_, models) =>
        models.push(
          new Secret({
            metadata: { name: "leak", namespace: "todo" },
            stringData: { JWT_SECRET: "x" },
          }),
        ),
      { object: "Secret/leak", field: "data" },
    ],
  ];

  it.each(cases)("catches %s", (_, mutate, expected) => {
    const problems = problemsAfter(mutate);
    expect(problems, JSON.stringify(problems)).toContainEqual(expect.objectContaining(expected));
  });

  it("accepts a ConfigMap that is rendered, and not one that is not", () => {
    const extra = new ConfigMap({
      metadata: { name: "todo-settings", namespace: "todo" },
      data: {},
    });
    const problems = problemsAfter((get, models) => {
      container(get).envFrom[0].configMapRef.name = "todo-settings";
      models.push(extra);
    });
    expect(problems).toEqual([]);
  });
});
