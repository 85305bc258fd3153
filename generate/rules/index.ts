/**
 * Every output rule, in the order render runs them. A new check is one new module here and one
 * line below; docs/rules.md (npm run docs) is generated from this list.
 */
import { argocdDestination } from "./argocd-destination.ts";
import { argocdProject } from "./argocd-project.ts";
import { argocdRoot } from "./argocd-root.ts";
import { argocdSourcePath } from "./argocd-source-path.ts";
import { argocdSpec } from "./argocd-spec.ts";
import { disruptionBudgetTargets } from "./disruption-budget-targets.ts";
import { distinctProbes } from "./distinct-probes.ts";
import { ephemeralStorage } from "./ephemeral-storage.ts";
import { gracefulStop } from "./graceful-stop.ts";
import { labelSyntax } from "./label-syntax.ts";
import { namespace } from "./namespace.ts";
import { noSecretValues } from "./no-secret-values.ts";
import { objectNames } from "./object-names.ts";
import { podReferences } from "./pod-references.ts";
import { portSyntax } from "./port-syntax.ts";
import { probePorts } from "./probe-ports.ts";
import { routeBackends } from "./route-backends.ts";
import { routeParents } from "./route-parents.ts";
import type { ArgocdRule, EnvironmentRule, Rule } from "./rule.ts";
import { schema } from "./schema.ts";
import { selectorMatchesTemplate } from "./selector-matches-template.ts";
import { serviceTargets } from "./service-targets.ts";
import { waveOrder } from "./wave-order.ts";

export const ENVIRONMENT_RULES: readonly EnvironmentRule[] = [
  schema,
  objectNames,
  namespace,
  labelSyntax,
  noSecretValues,
  portSyntax,
  probePorts,
  selectorMatchesTemplate,
  podReferences,
  serviceTargets,
  disruptionBudgetTargets,
  routeBackends,
  routeParents,
  distinctProbes,
  ephemeralStorage,
  gracefulStop,
  waveOrder,
];

export const ARGOCD_RULES: readonly ArgocdRule[] = [
  argocdSpec,
  argocdProject,
  argocdSourcePath,
  argocdRoot,
  argocdDestination,
];

export const RULES: readonly Rule[] = [...ENVIRONMENT_RULES, ...ARGOCD_RULES];
