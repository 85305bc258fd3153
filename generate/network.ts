/**
 * NetworkPolicy pieces. The namespace denies everything by default; each component's own
 * policy opens exactly the paths it needs (docs/data-model.md 9: ingress controller to both Services,
 * frontend to backend, backend to its database and DNS).
 */
import type { IIoK8sApiNetworkingV1NetworkPolicyEgressRule as EgressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule";
import type { IIoK8sApiNetworkingV1NetworkPolicyIngressRule as IngressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { Environment } from "./environment.ts";
import { labels, selector } from "./labels.ts";
import { database } from "./names.ts";
import { syncWave } from "./sync-waves.ts";

const tcp = (port: number) => ({ protocol: "TCP" as const, port });

/** Name resolution through the cluster DNS (kube-dns / CoreDNS in kube-system). */
export const dnsEgress: EgressRule = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/** Traffic from the ingress controller's namespace to a port. */
export function fromIngressController(env: Environment, port: number): IngressRule {
  return {
    from: [
      {
        namespaceSelector: {
          matchLabels: { "kubernetes.io/metadata.name": env.ingressControllerNamespace },
        },
      },
    ],
    ports: [tcp(port)],
  };
}

/** Traffic from the pods of one app in this namespace to a port. */
export function fromApp(app: string, port: number): IngressRule {
  return { from: [{ podSelector: { matchLabels: selector(app) } }], ports: [tcp(port)] };
}

/** Traffic to the pods of one app in this namespace on a port. */
export function toApp(app: string, port: number): EgressRule {
  return { to: [{ podSelector: { matchLabels: selector(app) } }], ports: [tcp(port)] };
}

/** Traffic to any address outside the cluster's pods on a port (an external database, an API). */
export function toInternet(port: number): EgressRule {
  return { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [tcp(port)] };
}

/** Traffic to the environment's database: the in-cluster pods, or any address on its port. */
export function toDatabase(env: Environment): EgressRule {
  return env.database.mode === "in-cluster"
    ? toApp(database.name, database.port)
    : toInternet(env.database.port);
}

/** The policy of one app: which traffic may reach its pods, and where they may connect. */
export function appPolicy(
  env: Environment,
  options: { app: string; component: string; ingress: IngressRule[]; egress: EgressRule[] },
): NetworkPolicy {
  return new NetworkPolicy({
    metadata: {
      name: options.app,
      namespace: env.namespace,
      labels: labels(options.component),
      annotations: syncWave("setup"),
    },
    spec: {
      podSelector: { matchLabels: selector(options.app) },
      policyTypes: ["Ingress", "Egress"],
      ingress: options.ingress,
      egress: options.egress,
    },
  });
}

/** Deny all traffic to and from every pod of the namespace unless another policy allows it. */
export function defaultDeny(env: Environment): NetworkPolicy {
  return new NetworkPolicy({
    metadata: {
      name: "default-deny",
      namespace: env.namespace,
      labels: labels("network"),
      annotations: syncWave("setup"),
    },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  });
}
