import { containersOf, externalSecretTargets, templateOf, workloadsOf } from "./pods.ts";
import { findings, named, type EnvironmentRule } from "./rule.ts";

/**
 * What a pod names must exist, or it never starts: its ServiceAccount, the ConfigMaps and Secrets
 * it reads (a Secret may be rendered, made by an ExternalSecret, or provided by the environment),
 * and a StatefulSet's governing Service.
 */
export const podReferences: EnvironmentRule = {
  id: "pod-references",
  scope: "environment",
  description:
    "The ServiceAccount, ConfigMaps, Secrets and governing Service a pod names are rendered or provided.",
  reads: [
    "Deployment",
    "StatefulSet",
    "Job",
    "ServiceAccount",
    "ConfigMap",
    "Secret",
    "ExternalSecret",
    "Service",
  ],
  check(objects, context) {
    const { problems, add } = findings(podReferences);
    const accounts = named(objects, "ServiceAccount");
    const configMaps = named(objects, "ConfigMap");
    const secrets = new Set([
      ...context.providedSecrets,
      ...named(objects, "Secret").keys(),
      ...externalSecretTargets(objects),
    ]);
    const noSecret = (name: string) =>
      `Secret ${name} is neither rendered nor provided by the environment`;
    for (const o of workloadsOf(objects)) {
      const spec = templateOf(o)?.spec;
      const account = spec?.serviceAccountName;
      if (account !== undefined && !accounts.has(account))
        add(
          o,
          "spec.template.spec.serviceAccountName",
          `ServiceAccount ${account} is not rendered`,
        );
      for (const { c, field } of containersOf(spec).filter((x) =>
        x.field.includes(".containers["),
      )) {
        for (const from of c.envFrom ?? []) {
          const cm = from.configMapRef?.name;
          if (cm !== undefined && !configMaps.has(cm))
            add(o, `${field}.envFrom`, `ConfigMap ${cm} is not rendered`);
          const secret = from.secretRef?.name;
          if (secret !== undefined && !secrets.has(secret))
            add(o, `${field}.envFrom`, noSecret(secret));
        }
        for (const variable of c.env ?? []) {
          const secret = variable.valueFrom?.secretKeyRef?.name;
          if (secret !== undefined && !secrets.has(secret))
            add(o, `${field}.env`, noSecret(secret));
          const cm = variable.valueFrom?.configMapKeyRef?.name;
          if (cm !== undefined && !configMaps.has(cm))
            add(o, `${field}.env`, `ConfigMap ${cm} is not rendered`);
        }
      }
      const serviceName =
        o.kind === "StatefulSet" ? (o.spec as { serviceName?: string }).serviceName : undefined;
      if (serviceName !== undefined && !named(objects, "Service").has(serviceName))
        add(o, "spec.serviceName", `Service ${serviceName} is not rendered`);
    }
    return problems;
  },
};
