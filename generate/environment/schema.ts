/**
 * The typed shape of an environment and of `environments/images.json`, with each field's own
 * rules (its type, its pattern, its range). Rules between fields are the input rules
 * (input-rules.ts); resolve.ts applies both.
 *
 * `environments/<name>.ts` files export one object that `satisfies EnvironmentData`. The schema is
 * the single source of both the TypeScript type and the run-time checks, so the two cannot drift
 * apart. The values every environment starts from are data, in `environments/defaults.ts`; a
 * `@default` below is the schema's own, given when a file leaves the field out.
 */
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import { IN_CLUSTER, project } from "../project.ts";
import { parseQuantity } from "../quantity.ts";
import { DNS1123_LABEL } from "../types.ts";

/** A host name an Ingress accepts: a DNS subdomain with at least two labels, or `*.` wildcard. */
const INGRESS_HOST =
  /^(\*\.)?(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;

const dnsLabel = z
  .string()
  .regex(DNS1123_LABEL, "must be a DNS-1123 label (lower-case a-z, 0-9 and '-', at most 63)");

const quantity = (unit: "cpu" | "memory") =>
  z.string().refine((value) => parseQuantity(value) !== undefined, {
    message:
      unit === "cpu"
        ? "must be a Kubernetes quantity such as 200m or 1"
        : "must be a Kubernetes quantity such as 256Mi or 1Gi",
  });

/** `10.96.0.0/12` or `fd00::/108`: an address and a prefix length its family allows. */
export function isCidr(value: string): boolean {
  const [address = "", prefix, ...rest] = value.split("/");
  if (prefix === undefined || rest.length > 0 || !/^[0-9]{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  return (isIPv4(address) && bits <= 32) || (isIPv6(address) && bits <= 128);
}
const cidr = z
  .string()
  .refine(isCidr, { message: "must be a CIDR such as 10.96.0.0/12 or fd00::/108" });
const cidrs = z.array(cidr).min(1, "must list at least one CIDR");

const replicas = z
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(0, "must not be negative")
  .max(100, "must be at most 100");

const seconds = (min: number) =>
  z.number().int("must be a whole number of seconds").min(min, `must be at least ${min}`);
const count = (min: number) =>
  z.number().int("must be a whole number").min(min, `must be at least ${min}`);

const amounts = z.strictObject({
  cpu: quantity("cpu"),
  memory: quantity("memory"),
  /** Node disk for logs, the writable layer and emptyDirs; over the limit the pod is evicted. */
  "ephemeral-storage": quantity("memory"),
});

const resources = z.strictObject({
  /** What the scheduler reserves for each pod. */
  requests: amounts,
  /**
   * The most each pod may use: CPU above it is throttled, memory above it is OOM-killed, disk
   * above it gets the pod evicted (rather than filling the node's disk for its other pods).
   */
  limits: amounts,
});

export type Resources = z.infer<typeof resources>;

const probe = z.strictObject({
  /**
   * HTTP path the kubelet requests; 2xx or 3xx means success. Omitted: a TCP connect to the
   * container's port (the process is up and accepting).
   */
  path: z.string().startsWith("/", "must start with '/'").optional(),
  /** Seconds after the container starts before the first probe. */
  initialDelaySeconds: seconds(0),
  /** Seconds between probes. */
  periodSeconds: seconds(1),
  /** Seconds the kubelet waits for an answer. */
  timeoutSeconds: seconds(1),
  /** Consecutive failures before the probe counts as failed. */
  failureThreshold: count(1),
});

const workload = z.strictObject({
  /**
   * Pod replicas.
   */
  replicas,
  /**
   * Per-pod resources.
   */
  resources,
  /**
   * Image pull policy.
   */
  pullPolicy: z.enum(["Always", "IfNotPresent", "Never"]),
  probes: z.strictObject({
    /**
     * Restarts a stuck container. Must not depend on the database: a database outage would
     * restart every pod, which cannot help.
     */
    liveness: probe,
    /**
     * Takes the pod out of its Service while it cannot serve.
     */
    readiness: probe,
    /** Holds the other probes off until the app has started. */
    startup: probe,
  }),
});

const imageRef = z.strictObject({
  /** Registry and repository, e.g. `ghcr.io/acme/todo-backend`. */
  repository: z
    .string()
    .regex(
      /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
      "must be an image repository such as ghcr.io/acme/todo-backend",
    ),
  /** The tag people read; the digest (when set) is what the kubelet pulls. */
  tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be a valid image tag"),
  /** `sha256:` plus 64 hex digits: makes the reference immutable. */
  digest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/, "must be sha256: followed by 64 lower-case hex digits")
    .optional(),
});
export type ImageRef = z.infer<typeof imageRef>;

/** The image references of one environment, as kept in `environments/images.json`. */
export const environmentImagesSchema = z.strictObject({
  backend: imageRef,
  frontend: imageRef,
  /** Only read when `database.mode` is `in-cluster`. */
  database: imageRef.optional(),
});
export type EnvironmentImages = z.infer<typeof environmentImagesSchema>;

/** `environments/images.json`: environment name to its images. CI is its only writer. */
export const imagesFileSchema = z.record(z.string(), environmentImagesSchema);

const secretKey = z.string().min(1, "must not be empty");

const secrets = z.discriminatedUnion("provider", [
  z.strictObject({
    /**
     * `bootstrap`: `npm run bootstrap:secrets -- <env>` creates `todo-secrets` (and the dev
     * database credentials) in the cluster from a git-ignored `.env.<env>` file.
     */
    provider: z.literal("bootstrap"),
  }),
  z.strictObject({
    /** `external-secrets`: an ExternalSecret materialises `todo-secrets` from a secret store. */
    provider: z.literal("external-secrets"),
    /** The store the ExternalSecret reads from; it exists in the cluster already. */
    store: z.strictObject({
      kind: z.enum(["ClusterSecretStore", "SecretStore"]),
      name: dnsLabel,
    }),
    /**
     * How often the operator re-reads the store, as a Go duration.
     */
    refreshInterval: z.string().regex(/^([0-9]+(s|m|h))+$/, "must be a duration such as 1h or 30m"),
    /** Key in the store for each key of `todo-secrets`. */
    remoteKeys: z.strictObject({
      DATABASE_URL: secretKey,
      JWT_SECRET: secretKey,
      OPENAI_API_KEY: secretKey,
    }),
  }),
]);

const database = z.discriminatedUnion("mode", [
  z.strictObject({
    /** `in-cluster`: a small single-replica PostgreSQL for development. */
    mode: z.literal("in-cluster"),
    /** Size of its PersistentVolumeClaim. */
    storage: quantity("memory"),
    /** Storage class; omitted means the cluster's default. */
    storageClassName: dnsLabel.optional(),
    /** Image pull policy. @default "IfNotPresent" (the image is pinned to a release tag) */
    pullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).default("IfNotPresent"),
    resources,
  }),
  z.strictObject({
    /** `external`: `DATABASE_URL` points at a database outside the cluster (e.g. Neon). */
    mode: z.literal("external"),
    /** TCP port the backend may reach outside the cluster. */
    port: z.number().int().min(1).max(65535),
    /**
     * The addresses the database is served from: the only ones the backend and the migration may
     * reach on `port` (the provider's published range, or a private endpoint's subnet).
     */
    cidrs,
  }),
]);

/** Label keys and values as Kubernetes accepts them (the `label-syntax` rule checks them again). */
const labelMap = z.record(z.string().min(1, "must not be empty"), z.string());

/**
 * How requests reach the app: `/api` to the backend unchanged, everything else to the frontend,
 * on one host. Both kinds render the same routes; they differ in what carries them.
 */
const routing = z.strictObject({
  /**
   * `gateway`: a Gateway API Gateway (rendered in the app's namespace, its listener holding the
   * TLS certificate) and an HTTPRoute attached to it. The default: ingress-nginx, the controller
   * most Ingresses were written for, was retired in March 2026.
   * `ingress`: the data model's Ingress, for clusters that still run a maintained Ingress controller.
   */
  kind: z.enum(["gateway", "ingress"]),
  /** GatewayClass (`gateway`) or IngressClass (`ingress`) the cluster's controller serves. */
  className: dnsLabel,
  /** Host the app is served on. */
  host: z.string().regex(INGRESS_HOST, "must be a DNS host name such as todo.example.com"),
  /** Extra annotations on the Gateway or Ingress, e.g. for cert-manager. Never `rewrite-target` (rule `no-rewrite-target`). */
  annotations: z.record(z.string(), z.string()),
  /** TLS certificate Secret in the app's namespace, provided in the cluster (e.g. by cert-manager). */
  tls: z.strictObject({ secretName: dnsLabel }).optional(),
  /**
   * Where the pods that forward requests to the app run (the gateway's data plane, or the
   * Ingress controller): the NetworkPolicies admit these pods, and only these, to the two Services.
   */
  proxies: z.strictObject({
    /** Their namespace (e.g. `envoy-gateway-system` for Envoy Gateway's default deployment). */
    namespace: dnsLabel,
    /** Labels that select them in it; empty admits every pod of that namespace. */
    podLabels: labelMap,
  }),
});

const argocd = z.strictObject({
  /** Argo CD destination server. @default "https://kubernetes.default.svc" (in-cluster) */
  server: z
    .string()
    .regex(/^https:\/\/[a-z0-9.-]+(:[0-9]+)?(\/[^\s]*)?$/, "must be an https:// API server URL")
    .default(IN_CLUSTER),
  /** AppProject the Application belongs to; the generator renders it. @default "todo" */
  project: dnsLabel.default(project.argocdProject),
  /** Git revision the Application tracks. @default "main" */
  targetRevision: z.string().min(1, "must not be empty").default(project.defaultBranch),
  /**
   * `automated`: Argo CD syncs every commit, pruning and self-healing.
   * `manual`: a person reviews the diff and syncs in the Argo CD UI.
   */
  sync: z.enum(["automated", "manual"]),
});

export const environmentDataSchema = z.strictObject({
  /** Environment name: the file name, `rendered/<name>/`, Application `todo-<name>`. */
  name: dnsLabel,
  /** Namespace every object lives in. */
  namespace: dnsLabel,
  /**
   * Allows mutable image references (a `latest` tag, no digest). Only for local clusters that
   * build the images in place.
   */
  allowMutableImageTags: z.boolean(),
  /** Becomes ConfigMap `todo-config`. */
  config: z.strictObject({
    /** */
    logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]),
    /** */
    environment: z.string().min(1, "must not be empty"),
    /** */
    apiVersion: z.string().min(1, "must not be empty"),
  }),
  backend: workload,
  frontend: workload,
  routing,
  secrets,
  database,
  /**
   * The cluster's own address ranges. Egress to "the internet" excepts them: under Calico an
   * ipBlock of 0.0.0.0/0 also matches every pod and Service, so without the except an egress
   * rule to the internet on 443 would open every in-cluster port 443 as well.
   */
  clusterNetwork: z.strictObject({
    /** Pod addresses (the CNI's pool, `--cluster-cidr`). */
    podCIDRs: cidrs,
    /** Service addresses (`--service-cluster-ip-range`). */
    serviceCIDRs: cidrs,
  }),
  argocd,
});

/** What `environments/<name>.ts` exports (fields with a schema default may be left out). */
export type EnvironmentData = z.input<typeof environmentDataSchema>;

/** An environment with its defaults filled in: what the schema gives. */
export type EnvironmentOutput = z.infer<typeof environmentDataSchema>;

/** An environment with its defaults filled in and its images: the input of every component. */
export type Environment = z.infer<typeof environmentDataSchema> & { images: EnvironmentImages };
