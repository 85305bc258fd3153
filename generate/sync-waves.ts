/**
 * Argo CD sync waves: lower waves are applied, and must be healthy, before higher ones. Objects
 * that others need (the ExternalSecret that creates `todo-secrets`, the database) come first, so
 * the Deployments never start without their Secret or database.
 */
const WAVES = { prerequisite: "-1", app: "0" } as const;

export function syncWave(wave: keyof typeof WAVES): Record<string, string> {
  return { "argocd.argoproj.io/sync-wave": WAVES[wave] };
}
