import { containersOf, templateOf } from "./pods.ts";
import { findings, type EnvironmentRule } from "./rule.ts";

const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?=[a-z0-9]))*$/;

const badNumber = (n: unknown) =>
  !Number.isInteger(n) || (n as number) < 1 || (n as number) > 65535;
const badName = (name: string | undefined) =>
  name !== undefined && (name.length > 15 || !IANA_SVC_NAME.test(name));
const nameMessage = (name: string | undefined) =>
  `(${name}) must be an IANA service name: at most 15 lower-case characters`;

export const portSyntax: EnvironmentRule = {
  id: "port-syntax",
  scope: "environment",
  description:
    "Container and Service ports are 1-65535, and port names are IANA service names (<= 15 lower-case).",
  reads: ["Deployment", "StatefulSet", "Job", "Service"],
  check(objects) {
    const { problems, add } = findings(portSyntax);
    for (const o of objects) {
      for (const { c, field } of containersOf(templateOf(o)?.spec))
        (c.ports ?? []).forEach((port, j) => {
          const at = `${field}.ports[${j}]`;
          if (badNumber(port.containerPort))
            add(o, `${at}.containerPort`, `(${port.containerPort}) must be between 1 and 65535`);
          if (badName(port.name)) add(o, `${at}.name`, nameMessage(port.name));
        });
      if (o.kind !== "Service") continue;
      const ports = (o.spec as { ports?: { name?: string; port: number }[] }).ports ?? [];
      ports.forEach((port, j) => {
        if (badName(port.name)) add(o, `spec.ports[${j}].name`, nameMessage(port.name));
        if (badNumber(port.port))
          add(o, `spec.ports[${j}].port`, `(${port.port}) must be between 1 and 65535`);
      });
    }
    return problems;
  },
};
