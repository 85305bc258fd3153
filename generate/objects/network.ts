/**
 * NetworkPolicy pieces. The namespace denies everything by default; each component's own
 * policy opens exactly the paths it needs (docs/data-model.md: the gateway's proxies to both Services,
 * frontend to backend, backend to its database and DNS).
 */
import type { IIoK8sApiNetworkingV1NetworkPolicyEgressRule as EgressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule";
import type { IIoK8sApiNetworkingV1NetworkPolicyIngressRule as IngressRule } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { Environment } from "../environment/schema.ts";
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

/**
 * Traffic from the pods that forward requests to the app (the gateway's data plane or the Ingress
 * controller: `routing.proxies`) to a port.
 */
export function fromProxies(env: Environment, port: number): IngressRule {
  const { namespace, podLabels } = env.routing.proxies;
  return {
    from: [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
        ...(Object.keys(podLabels).length > 0 ? { podSelector: { matchLabels: podLabels } } : {}),
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

const IPV4_ANY = "0.0.0.0/0";
const IPV6_ANY = "::/0";

/**
 * Traffic to any address outside the cluster on a port (an API on the internet), over IPv4 and
 * IPv6. The cluster's own pod and Service ranges are excepted: an ipBlock matches in-cluster
 * addresses too under some CNIs (Calico), so "the internet on 443" would otherwise also open
 * every pod's and Service's port 443.
 */
export function toInternet(env: Environment, port: number): EgressRule {
  const cluster = [...env.clusterNetwork.podCIDRs, ...env.clusterNetwork.serviceCIDRs];
  const block = (cidr: string, family: (c: string) => boolean) => {
    const except = cluster.filter(family);
    return { ipBlock: { cidr, ...(except.length > 0 ? { except } : {}) } };
  };
  return {
    to: [block(IPV4_ANY, (c) => !c.includes(":")), block(IPV6_ANY, (c) => c.includes(":"))],
    ports: [tcp(port)],
  };
}

/** Traffic to the environment's database: its in-cluster pods, or the addresses it is served from. */
export function toDatabase(env: Environment): EgressRule {
  return env.database.mode === "in-cluster"
    ? toApp(database.name, database.port)
    : {
        to: env.database.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
        ports: [tcp(env.database.port)],
      };
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
