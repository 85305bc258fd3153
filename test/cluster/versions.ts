/**
 * The real components the cluster suite builds from their Go modules, pinned in one place. The
 * README's walkthrough names the same Argo CD version (test/cluster/versions.test.ts keeps them equal).
 *
 * Argo CD v3.3.10: v3.3.7 never polls git (a cherry-pick reverted in v3.3.8); from v3.3.14 on, the
 * 3.3 releases do not build from modules alone (`k.ManageServerSideDiffDryRuns undefined`: their
 * code needs the nested ./gitops-engine, which is not in the module zip, and no published
 * gitops-engine version has that method). v3.3.10 is the newest 3.3 that builds and polls.
 */
export const VERSIONS = {
  etcd: "v3.6.16",
  kubernetes: "v1.34.4",
  kwok: "v0.8.0",
  argocd: "v3.3.10",
  externalSecrets: "v1.3.2",
  /** The manifest linter (npm run test:generator, test/kube-score.test.ts). */
  kubeScore: "v1.20.0",
  /** What npm run bench compares `npm run render` with (`helm template`, scripts/bench.ts). */
  helm: "v4.3.1",
} as const;

/** Where the binaries live: a user-level cache keyed by version, never inside the clone. */
export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || `${process.env.HOME}/.cache`;
  return `${base}/todo-gitops/cluster`;
}
