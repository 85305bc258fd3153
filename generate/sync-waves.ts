/**
 * Argo CD sync waves: lower waves are applied, and must be healthy, before higher ones.
 *
 * - prerequisite (-2): what others need: the ExternalSecret that creates `todo-secrets`, and the
 *   in-cluster database;
 * - migration (-1): the schema migration Job (a Sync hook), once the database and secrets exist;
 * - everything else (0): the Deployments start on the migrated schema.
 */
const WAVES = { prerequisite: "-2", migration: "-1" } as const;

export function syncWave(wave: keyof typeof WAVES): Record<string, string> {
  return { "argocd.argoproj.io/sync-wave": WAVES[wave] };
}
