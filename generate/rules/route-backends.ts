import type { KubeObject } from "../types.ts";
import { externalSecretTargets } from "./pods.ts";
import { backendRefs, certificateRefs, ROUTE_KINDS } from "./routes.ts";
import { findings, named, type EnvironmentRule } from "./rule.ts";

export const routeBackends: EnvironmentRule = {
  id: "route-backends",
  scope: "environment",
  description:
    "Every Ingress path and HTTPRoute rule reaches a rendered Service in its namespace on one of its ports, and every TLS certificate (Ingress or Gateway listener) is rendered or provided.",
  reads: [...ROUTE_KINDS, "Service", "Secret", "ExternalSecret"],
  check(objects, context) {
    const { problems, add } = findings(routeBackends);
    const services = named(objects, "Service");
    const secrets = new Set([
      ...context.providedSecrets,
      ...named(objects, "Secret").keys(),
      ...externalSecretTargets(objects),
    ]);
    for (const o of objects.filter((x) => (ROUTE_KINDS as readonly string[]).includes(x.kind))) {
      for (const ref of backendRefs(o)) {
        const target: KubeObject | undefined = services.get(ref.service);
        if (target === undefined) {
          add(o, ref.field, `Service ${ref.service || "(none)"} is not rendered in this namespace`);
          continue;
        }
        const ports = (target.spec as { ports?: { port: number; name?: string }[] }).ports ?? [];
        const { number, name } = ref.port;
        if (number === undefined && name === undefined) {
          add(o, `${ref.field}.port`, `missing: name a port of Service ${ref.service}`);
        } else if (!ports.some((p) => p.port === number || (name !== undefined && p.name === name)))
          add(
            o,
            `${ref.field}.port`,
            `(${number ?? name}) is not a port of Service ${ref.service}`,
          );
      }
      for (const ref of certificateRefs(o)) {
        if (!secrets.has(ref.name))
          add(
            o,
            ref.field,
            `Secret ${ref.name} is neither rendered nor provided by the environment`,
          );
      }
    }
    return problems;
  },
};
