import { hostnameMatches, hostnames, listeners, parentRefs } from "./routes.ts";
import { findings, named, type EnvironmentRule } from "./rule.ts";

/**
 * A route a Gateway does not accept is not an error the API server reports: the route just never
 * serves, and Argo CD shows it Degraded after the sync. Checked here, before anything is written.
 */
export const routeParents: EnvironmentRule = {
  id: "route-parents",
  scope: "environment",
  description:
    "Every HTTPRoute attaches to a rendered Gateway's listener (by name and sectionName) that admits routes from its namespace, on a hostname that listener serves; every TLS listener holds a certificate.",
  reads: ["Gateway", "HTTPRoute"],
  check(objects) {
    const { problems, add } = findings(routeParents);
    const gateways = named(objects, "Gateway");
    for (const gateway of gateways.values()) {
      listeners(gateway).forEach((l, i) => {
        if (l.protocol === "HTTPS" && (l.tls?.certificateRefs ?? []).length === 0)
          add(
            gateway,
            `spec.listeners[${i}].tls.certificateRefs`,
            "missing: an HTTPS listener needs its certificate",
          );
      });
    }
    for (const route of objects.filter((o) => o.kind === "HTTPRoute")) {
      const parents = parentRefs(route);
      if (parents.length === 0)
        add(route, "spec.parentRefs", "missing: a route attaches to a Gateway");
      for (const ref of parents) {
        const gateway = gateways.get(ref.gateway);
        if (ref.namespace !== undefined || gateway === undefined) {
          add(route, ref.field, `Gateway ${ref.gateway} is not rendered in this namespace`);
          continue;
        }
        const candidates = listeners(gateway).filter(
          (l) => ref.sectionName === undefined || l.name === ref.sectionName,
        );
        if (candidates.length === 0) {
          add(
            route,
            `${ref.field}.sectionName`,
            `(${ref.sectionName}) is not a listener of Gateway ${ref.gateway}`,
          );
          continue;
        }
        for (const l of candidates) {
          const from = l.allowedRoutes?.namespaces?.from ?? "Same";
          if (from !== "Same" && from !== "All")
            add(
              route,
              ref.field,
              `listener ${l.name} of Gateway ${ref.gateway} admits routes by a namespace selector this check cannot follow; use Same`,
            );
          hostnames(route).forEach((host, i) => {
            if (!hostnameMatches(l.hostname, host))
              add(
                route,
                `spec.hostnames[${i}]`,
                `(${host}) is not served by listener ${l.name} of Gateway ${ref.gateway} (${l.hostname})`,
              );
          });
        }
      }
    }
    return problems;
  },
};
