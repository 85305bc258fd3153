/**
 * Validation of the rendered objects before anything is written. Each object's own
 * kubernetes-models `validate()` (its OpenAPI schema) runs first; the checks below catch what the
 * schema does not: invalid names and label values, port names and numbers, and references
 * between objects that must meet (selectors, Service ports, Ingress backends, ConfigMaps,
 * Secrets, ServiceAccounts, probe ports).
 *
 * Unknown fields, which validate() also accepts, cannot come from an environment (its schema is
 * strict) but only from a component's code: TypeScript's excess-property checks catch them at
 * compile time, and test/unknown-fields.test.ts walks every rendered object against the official
 * client's field lists.
 */
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from "./environment.ts";
import { RULES } from "./rules/index.ts";
import type { KubeObject } from "./serialize.ts";

/** One problem: where (object and field) and what rule it breaks. */
export interface Problem {
  /** The output rule that found it (generate/rules/), when it comes from one. */
  rule?: string;
  object: string;
  field: string;
  message: string;
}

/** Rendering failed: nothing was written. Names the environment, object and field of each. */
export class RenderError extends Error {
  readonly problems: readonly (Problem & { environment: string })[];
  constructor(problems: readonly (Problem & { environment: string })[]) {
    super(
      `rendering failed, nothing was written:\n${problems
        .map(
          (p) =>
            `  - environment "${p.environment}": ${p.rule === undefined ? "" : `[${p.rule}] `}${p.object}: ${p.field}: ${p.message}`,
        )
        .join("\n")}`,
    );
    this.name = "RenderError";
    this.problems = problems;
  }
}

/** A model instance: plain data plus its schema check. */
export interface Validatable {
  validate(): void;
  toJSON(): unknown;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?=[a-z0-9]))*$/;
/** Kinds whose names must be DNS-1123 labels (the API server's rule), not just subdomains. */
const LABEL_NAMED_KINDS = new Set(["Namespace", "Service", "StatefulSet"]);
/** Kinds that exist outside any namespace, among those the generator renders. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(["Namespace"]);

/** The object as plain JSON data, as it will be serialized. */
export function plain(model: Validatable): KubeObject {
  return JSON.parse(JSON.stringify(model.toJSON())) as KubeObject;
}

/** What the model's own schema (kubernetes-models `validate()`) rejects. */
export function schemaProblems(model: Validatable, object?: KubeObject): Problem[] {
  try {
    model.validate();
    return [];
  } catch (error) {
    return [
      {
        object: describe(object ?? plain(model)),
        field: "(schema)",
        message: (error as Error).message,
      },
    ];
  }
}

const describe = (o: KubeObject) => `${o.kind}/${o.metadata?.name ?? "(unnamed)"}`;

type Json = Record<string, unknown>;
interface Container {
  name: string;
  ports?: { containerPort: number; name?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { valueFrom?: { secretKeyRef?: { name: string }; configMapKeyRef?: { name: string } } }[];
  livenessProbe?: Json;
  readinessProbe?: Json;
  startupProbe?: Json;
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec?: {
    serviceAccountName?: string;
    containers?: Container[];
    initContainers?: Container[];
    volumes?: { secret?: { secretName: string }; configMap?: { name: string } }[];
  };
}

/** Objects that run pods: Deployments, StatefulSets, Jobs. */
function podTemplate(o: KubeObject): PodTemplate | undefined {
  const spec = o.spec as { template?: PodTemplate } | undefined;
  return spec?.template;
}

function matches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/**
 * Every problem in one environment's objects. `provided` names Secrets that exist in the cluster
 * without being rendered (the bootstrap command, cert-manager).
 */
export function validateObjects(
  models: readonly Validatable[],
  options: { namespace: string; providedSecrets: readonly string[] },
  objects: readonly KubeObject[] = models.map(plain),
): Problem[] {
  const problems: Problem[] = [];
  for (const [i, model] of models.entries()) {
    problems.push(
      ...schemaProblems(model, objects[i]),
      ...checkObject(objects[i]!, options.namespace),
    );
  }
  problems.push(...checkReferences(objects, options.providedSecrets));
  for (const rule of RULES) problems.push(...rule.check(objects, options));
  return problems;
}

function checkObject(o: KubeObject, namespace: string): Problem[] {
  const problems: Problem[] = [];
  const at = describe(o);
  const add = (field: string, message: string) => problems.push({ object: at, field, message });
  const name = o.metadata?.name ?? "";
  const nameRule = LABEL_NAMED_KINDS.has(o.kind) ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  if (!nameRule.test(name)) {
    add(
      "metadata.name",
      `(${name}) must be a DNS-1123 ${LABEL_NAMED_KINDS.has(o.kind) ? "label" : "subdomain"}`,
    );
  }
  if (CLUSTER_SCOPED_KINDS.has(o.kind)) {
    if (o.metadata?.namespace !== undefined) {
      add("metadata.namespace", "must not be set on a cluster-scoped object");
    }
  } else if (o.metadata?.namespace !== namespace) {
    add(
      "metadata.namespace",
      `(${o.metadata?.namespace ?? "unset"}) must be the environment's namespace (${namespace})`,
    );
  }
  walkLabels(o, "", (field, labels) => {
    for (const [key, value] of Object.entries(labels)) {
      const [prefix, label] = key.includes("/") ? key.split("/", 2) : [undefined, key];
      if (
        !LABEL_NAME.test(label ?? "") ||
        (label ?? "").length > 63 ||
        (prefix !== undefined && !DNS1123_SUBDOMAIN.test(prefix))
      ) {
        add(`${field}.${key}`, "is not a valid label key");
      }
      if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
        add(
          `${field}.${key}`,
          `(${String(value)}) is not a valid label value (<= 63 characters, alphanumeric at both ends, '-', '_', '.' inside)`,
        );
      }
    }
  });
  if (o.kind === "Secret" && (o.data !== undefined || o.stringData !== undefined)) {
    add("data", "a Secret with values must never be rendered: secret values never enter git");
  }
  const template = podTemplate(o);
  const containers = [
    ...(template?.spec?.containers ?? []),
    ...(template?.spec?.initContainers ?? []),
  ];
  containers.forEach((c, i) => {
    for (const [j, port] of (c.ports ?? []).entries()) {
      const field = `spec.template.spec.containers[${i}].ports[${j}]`;
      if (
        !Number.isInteger(port.containerPort) ||
        port.containerPort < 1 ||
        port.containerPort > 65535
      ) {
        add(`${field}.containerPort`, `(${port.containerPort}) must be between 1 and 65535`);
      }
      if (port.name !== undefined && (port.name.length > 15 || !IANA_SVC_NAME.test(port.name))) {
        add(
          `${field}.name`,
          `(${port.name}) must be an IANA service name: at most 15 lower-case characters`,
        );
      }
    }
    for (const kind of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
      const probe = c[kind] as
        { httpGet?: { port: number | string }; tcpSocket?: { port: number | string } } | undefined;
      const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
      if (
        port !== undefined &&
        !(c.ports ?? []).some((p) => p.containerPort === port || p.name === port)
      ) {
        add(
          `spec.template.spec.containers[${i}].${kind}`,
          `port ${port} is not a port of container ${c.name}`,
        );
      }
    }
  });
  if (o.kind === "Service") {
    for (const [j, port] of (
      (o.spec as { ports?: { name?: string; port: number }[] })?.ports ?? []
    ).entries()) {
      if (port.name !== undefined && (port.name.length > 15 || !IANA_SVC_NAME.test(port.name))) {
        add(
          `spec.ports[${j}].name`,
          `(${port.name}) must be an IANA service name: at most 15 lower-case characters`,
        );
      }
      if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
        add(`spec.ports[${j}].port`, `(${port.port}) must be between 1 and 65535`);
      }
    }
  }
  if (template !== undefined) {
    const selector = (o.spec as { selector?: { matchLabels?: Record<string, string> } }).selector
      ?.matchLabels;
    if (selector !== undefined && !matches(selector, template.metadata?.labels)) {
      add(
        "spec.selector.matchLabels",
        `(${JSON.stringify(selector)}) does not match the pod template's labels`,
      );
    }
  }
  return problems;
}

/** Calls `visit` with every `labels` and `matchLabels` map in the object, with its field path. */
function walkLabels(
  value: unknown,
  path: string,
  visit: (field: string, labels: Json) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkLabels(item, `${path}[${i}]`, visit));
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value as Json)) {
      const field = path === "" ? key : `${path}.${key}`;
      if (
        (key === "labels" || key === "matchLabels") &&
        child !== null &&
        typeof child === "object"
      ) {
        visit(field, child as Json);
      } else {
        walkLabels(child, field, visit);
      }
    }
  }
}

function checkReferences(
  objects: readonly KubeObject[],
  providedSecrets: readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  const named = (kind: string) =>
    new Map(objects.filter((o) => o.kind === kind).map((o) => [o.metadata?.name ?? "", o]));
  const services = named("Service");
  const configMaps = named("ConfigMap");
  const serviceAccounts = named("ServiceAccount");
  const secrets = new Set([
    ...providedSecrets,
    ...named("Secret").keys(),
    // An ExternalSecret creates its target Secret in the cluster.
    ...objects
      .filter((o) => o.kind === "ExternalSecret")
      .map(
        (o) => (o.spec as { target?: { name?: string } }).target?.name ?? o.metadata?.name ?? "",
      ),
  ]);
  const workloads = objects.filter((o) => podTemplate(o) !== undefined);

  for (const o of workloads) {
    const at = describe(o);
    const spec = podTemplate(o)?.spec;
    const sa = spec?.serviceAccountName;
    if (sa !== undefined && !serviceAccounts.has(sa)) {
      problems.push({
        object: at,
        field: "spec.template.spec.serviceAccountName",
        message: `ServiceAccount ${sa} is not rendered`,
      });
    }
    for (const [i, c] of (spec?.containers ?? []).entries()) {
      const field = `spec.template.spec.containers[${i}]`;
      for (const source of c.envFrom ?? []) {
        if (source.configMapRef && !configMaps.has(source.configMapRef.name)) {
          problems.push({
            object: at,
            field: `${field}.envFrom`,
            message: `ConfigMap ${source.configMapRef.name} is not rendered`,
          });
        }
        if (source.secretRef && !secrets.has(source.secretRef.name)) {
          problems.push({
            object: at,
            field: `${field}.envFrom`,
            message: `Secret ${source.secretRef.name} is neither rendered nor provided by the environment`,
          });
        }
      }
      for (const variable of c.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef?.name;
        if (ref !== undefined && !secrets.has(ref)) {
          problems.push({
            object: at,
            field: `${field}.env`,
            message: `Secret ${ref} is neither rendered nor provided by the environment`,
          });
        }
        const cm = variable.valueFrom?.configMapKeyRef?.name;
        if (cm !== undefined && !configMaps.has(cm)) {
          problems.push({
            object: at,
            field: `${field}.env`,
            message: `ConfigMap ${cm} is not rendered`,
          });
        }
      }
    }
    if (o.kind === "StatefulSet") {
      const serviceName = (o.spec as { serviceName?: string }).serviceName;
      if (serviceName !== undefined && !services.has(serviceName)) {
        problems.push({
          object: at,
          field: "spec.serviceName",
          message: `Service ${serviceName} is not rendered`,
        });
      }
    }
  }

  for (const service of services.values()) {
    const at = describe(service);
    const spec = service.spec as {
      selector?: Record<string, string>;
      ports?: { port: number; targetPort?: number | string }[];
    };
    const backends = workloads.filter((w) =>
      matches(spec.selector, podTemplate(w)?.metadata?.labels),
    );
    if (backends.length === 0) {
      problems.push({
        object: at,
        field: "spec.selector",
        message: `(${JSON.stringify(spec.selector ?? {})}) selects no rendered pod template`,
      });
      continue;
    }
    for (const [j, port] of (spec.ports ?? []).entries()) {
      const target = port.targetPort ?? port.port;
      const found = backends.some((w) =>
        (podTemplate(w)?.spec?.containers ?? []).some((c) =>
          (c.ports ?? []).some((p) => p.containerPort === target || p.name === target),
        ),
      );
      if (!found) {
        problems.push({
          object: at,
          field: `spec.ports[${j}].targetPort`,
          message: `(${target}) is not a port of any container it selects`,
        });
      }
    }
  }

  for (const o of objects.filter((x) => x.kind === "PodDisruptionBudget")) {
    const selector = (o.spec as { selector?: { matchLabels?: Record<string, string> } }).selector
      ?.matchLabels;
    if (!workloads.some((w) => matches(selector, podTemplate(w)?.metadata?.labels))) {
      problems.push({
        object: describe(o),
        field: "spec.selector",
        message: "selects no rendered pod template",
      });
    }
  }

  for (const o of objects.filter((x) => x.kind === "Ingress")) {
    const spec = o.spec as {
      tls?: { secretName?: string }[];
      rules?: {
        http?: {
          paths?: {
            backend: { service?: { name: string; port: { number?: number; name?: string } } };
          }[];
        };
      }[];
    };
    spec.rules?.forEach((rule, i) =>
      rule.http?.paths?.forEach((path, j) => {
        const field = `spec.rules[${i}].http.paths[${j}].backend.service`;
        const ref = path.backend.service;
        const target = ref === undefined ? undefined : services.get(ref.name);
        if (ref === undefined || target === undefined) {
          problems.push({
            object: describe(o),
            field,
            message: `Service ${ref?.name ?? "(none)"} is not rendered`,
          });
          return;
        }
        const ports = (target.spec as { ports?: { port: number; name?: string }[] }).ports ?? [];
        if (
          !ports.some(
            (p) =>
              p.port === ref.port.number ||
              (ref.port.name !== undefined && p.name === ref.port.name),
          )
        ) {
          problems.push({
            object: describe(o),
            field: `${field}.port`,
            message: `(${ref.port.number ?? ref.port.name}) is not a port of Service ${ref.name}`,
          });
        }
      }),
    );
    spec.tls?.forEach((tls, i) => {
      if (tls.secretName !== undefined && !secrets.has(tls.secretName)) {
        problems.push({
          object: describe(o),
          field: `spec.tls[${i}].secretName`,
          message: `Secret ${tls.secretName} is neither rendered nor provided by the environment`,
        });
      }
    });
  }
  return problems;
}
