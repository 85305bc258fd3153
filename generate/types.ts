/**
 * The bottom of the generator: the shapes every layer shares, and the few Kubernetes facts that
 * the schema, the builders and the rules all need (name patterns, cluster-scoped kinds, Argo CD's
 * sync-wave annotation). It imports nothing, so that any layer may import it.
 */

/** A rendered object as plain JSON: apiVersion, kind and a name, and whatever its kind holds. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * What the Argo CD step reads of a rendered object: its kind and name, not its content, so that
 * the Argo CD objects and rules cannot come to depend on more.
 */
export interface ObjectHeader {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
}

/** What a builder returns: a model instance (kubernetes-models), plain data plus its schema check. */
export interface Validatable {
  validate(): void;
  toJSON(): unknown;
}

/** RFC 1123 label: lower-case alphanumerics and `-`, starting and ending alphanumeric, <= 63. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** RFC 1123 subdomain: dot-separated labels, <= 253 characters. */
export const DNS1123_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kinds that exist outside any namespace, among those the generator renders. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(["Namespace"]);

/** The annotation that puts an object in an Argo CD sync wave (objects/sync-waves.ts). */
export const SYNC_WAVE = "argocd.argoproj.io/sync-wave";

/** `<kind>-<name>.yaml`: one file per object, its name from the object, under `rendered/<env>/`. */
export function fileName(object: ObjectHeader): string {
  return `${object.kind.toLowerCase()}-${object.metadata?.name ?? ""}.yaml`;
}
