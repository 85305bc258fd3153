/**
 * An output rule: one check with an id, a one-line description, the kinds it reads and a function
 * returning findings. Environment rules see one environment's objects; Argo CD rules see the
 * Argo CD objects and every rendered file. A finding names the rule, the object and the field;
 * render adds the environment. The README's table of rules is generated from RULES (index.ts).
 */
import type { KubeObject, ObjectHeader, Validatable } from "../types.ts";

/** One finding: where (object and field), what rule it breaks, and why. */
export interface Problem {
  /** The id of the rule that found it. */
  rule?: string;
  object: string;
  field: string;
  message: string;
}

export interface EnvironmentContext {
  /** The environment's namespace: every namespaced object belongs in it. */
  namespace: string;
  /** Secrets that exist in the cluster without being rendered (bootstrap, cert-manager). */
  providedSecrets: readonly string[];
  /** The models the objects were made from, in the same order (for the schema rule). */
  models?: readonly Validatable[];
}

export interface ArgocdContext {
  /** Every rendered file: path -> the kind and name of the object it holds. */
  files: ReadonlyMap<string, ObjectHeader>;
  /** The environments, by name and namespace. */
  environments: readonly { name: string; namespace: string }[];
  models?: readonly Validatable[];
}

interface RuleBase {
  /** Short, stable, kebab-case: what a finding and the README's table call it. */
  id: string;
  /** One line: what the rule requires, and why. */
  description: string;
  /** The kinds it reads ("*" for every object). */
  reads: readonly string[];
}
export interface EnvironmentRule extends RuleBase {
  scope: "environment";
  check(objects: readonly KubeObject[], context: EnvironmentContext): Problem[];
}
export interface ArgocdRule extends RuleBase {
  scope: "argocd";
  check(objects: readonly KubeObject[], context: ArgocdContext): Problem[];
}
export type Rule = EnvironmentRule | ArgocdRule;

/** `Kind/name`, as findings name objects. */
export const describe = (o: Partial<KubeObject>) =>
  `${o.kind ?? "(no kind)"}/${o.metadata?.name ?? "(unnamed)"}`;

/** A collector of one rule's findings. */
export function findings(rule: { id: string }) {
  const problems: Problem[] = [];
  const add = (o: Partial<KubeObject> | string, field: string, message: string) =>
    problems.push({
      rule: rule.id,
      object: typeof o === "string" ? o : describe(o),
      field,
      message,
    });
  return { problems, add };
}

/** The annotations of an object, or an empty map. */
export function annotations(o: KubeObject): Record<string, string> {
  return (o.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
}

/** The objects of one kind, by name. */
export function named(objects: readonly KubeObject[], kind: string): Map<string, KubeObject> {
  return new Map(objects.filter((o) => o.kind === kind).map((o) => [o.metadata?.name ?? "", o]));
}
