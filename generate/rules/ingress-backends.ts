import type { KubeObject } from "../serialize.ts";
import { externalSecretTargets } from "./pods.ts";
import { findings, named, type EnvironmentRule } from "./rule.ts";

interface IngressSpec {
  tls?: { secretName?: string }[];
  rules?: {
    http?: {
      paths?: {
        backend: { service?: { name: string; port: { number?: number; name?: string } } };
      }[];
    };
  }[];
}

export const ingressBackends: EnvironmentRule = {
  id: "ingress-backends",
  scope: "environment",
  description:
    "Every Ingress path reaches a rendered Service on one of its ports, and its TLS Secret is rendered or provided.",
  reads: ["Ingress", "Service", "Secret", "ExternalSecret"],
  check(objects, context) {
    const { problems, add } = findings(ingressBackends);
    const services = named(objects, "Service");
    const secrets = new Set([
      ...context.providedSecrets,
      ...named(objects, "Secret").keys(),
      ...externalSecretTargets(objects),
    ]);
    for (const o of objects.filter((x) => x.kind === "Ingress")) {
      const spec = o.spec as IngressSpec;
      spec.rules?.forEach((rule, i) =>
        rule.http?.paths?.forEach((path, j) => {
          const field = `spec.rules[${i}].http.paths[${j}].backend.service`;
          const ref = path.backend.service;
          const target: KubeObject | undefined =
            ref === undefined ? undefined : services.get(ref.name);
          if (ref === undefined || target === undefined) {
            add(o, field, `Service ${ref?.name ?? "(none)"} is not rendered`);
            return;
          }
          const ports = (target.spec as { ports?: { port: number; name?: string }[] }).ports ?? [];
          const { number, name } = ref.port;
          if (!ports.some((p) => p.port === number || (name !== undefined && p.name === name)))
            add(o, `${field}.port`, `(${number ?? name}) is not a port of Service ${ref.name}`);
        }),
      );
      spec.tls?.forEach((tls, i) => {
        if (tls.secretName !== undefined && !secrets.has(tls.secretName))
          add(
            o,
            `spec.tls[${i}].secretName`,
            `Secret ${tls.secretName} is neither rendered nor provided by the environment`,
          );
      });
    }
    return problems;
  },
};
