import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from "../types.ts";
import { findings, type EnvironmentRule } from "./rule.ts";

/** Kinds whose names must be DNS-1123 labels (the API server's rule), not just subdomains. */
const LABEL_NAMED_KINDS = new Set(["Namespace", "Service", "StatefulSet"]);

export const objectNames: EnvironmentRule = {
  id: "object-names",
  scope: "environment",
  description:
    "Names are DNS-1123 labels (Namespace, Service, StatefulSet) or subdomains, as the API server requires.",
  reads: ["*"],
  check(objects) {
    const { problems, add } = findings(objectNames);
    for (const o of objects) {
      const name = o.metadata?.name ?? "";
      const label = LABEL_NAMED_KINDS.has(o.kind);
      if (!(label ? DNS1123_LABEL : DNS1123_SUBDOMAIN).test(name))
        add(o, "metadata.name", `(${name}) must be a DNS-1123 ${label ? "label" : "subdomain"}`);
    }
    return problems;
  },
};
