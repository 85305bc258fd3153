/**
 * An output rule: one check over an environment's rendered objects, with an id that every finding
 * carries, so that a failed render names the rule, the object and the field.
 */
import type { KubeObject } from "../serialize.ts";
import type { Problem } from "../validate.ts";

export interface RuleContext {
  /** The environment's namespace: every namespaced object belongs in it. */
  namespace: string;
  /** Secrets that exist in the cluster without being rendered (bootstrap, cert-manager). */
  providedSecrets: readonly string[];
}

export interface Rule {
  /** Short, stable, kebab-case: what a finding and the README's table call it. */
  id: string;
  /** One line: what the rule requires, and why. */
  description: string;
  /** The kinds it reads ("*" for every object). */
  reads: readonly string[];
  check(objects: readonly KubeObject[], context: RuleContext): Problem[];
}

/** The annotations of an object, or an empty map. */
export function annotations(o: KubeObject): Record<string, string> {
  return (o.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
}

export const describe = (o: KubeObject) => `${o.kind}/${o.metadata?.name ?? "(unnamed)"}`;
