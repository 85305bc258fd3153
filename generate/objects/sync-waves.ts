/**
 * Argo CD sync waves. Argo CD applies one wave at a time (by kind inside a wave) and waits for
 * every object of a wave to be healthy before it applies the next. An object may therefore only
 * depend on objects of its own or an earlier wave: the `wave-order` rule (generate/rules/) refuses
 * anything else, because such a sync waits forever (Argo CD sets no sync timeout by default).
 *
 * - setup (-3): what pods refer to or reach: the Namespace, ServiceAccounts, ConfigMaps, the
 *   ExternalSecret that creates `todo-secrets`, Services and NetworkPolicies;
 * - database (-2): the in-cluster database, once its ServiceAccount, Service and policy exist;
 * - migration (-1): the schema migration Job (a Sync hook), once the database is ready;
 * - app (0, the default, never written): Deployments, their disruption budgets and the routes
 *   (Gateway and HTTPRoutes, or the Ingress).
 */
const WAVES = { setup: "-3", database: "-2", migration: "-1" } as const;

import { SYNC_WAVE } from "../types.ts";

export function syncWave(wave: keyof typeof WAVES): Record<string, string> {
  return { [SYNC_WAVE]: WAVES[wave] };
}
