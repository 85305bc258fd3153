/**
 * The real components the cluster suite builds from their Go modules, pinned in one place. The
 * docs name the same versions (docs/operations.md). Every pin is on a line
 * its upstream still supports: Argo CD's three newest minors, Kubernetes' three newest minors.
 *
 * Argo CD v3.6.2: from 3.6 on, gitops-engine is published as its own module at the same tag
 * (`github.com/argoproj/argo-cd/gitops-engine/v3`), so the release builds from modules alone. Its
 * go.mod says `go 1.27.0`: the build runs with `GOTOOLCHAIN` set to {@link GO_TOOLCHAIN}.
 * etcd v3.7.0 is the version Kubernetes v1.37 names (`build/dependencies.yaml`).
 */
export const VERSIONS = {
  etcd: "v3.7.0",
  kubernetes: "v1.37.2",
  kwok: "v0.8.0",
  argocd: "v3.6.2",
  externalSecrets: "v1.3.2",
  /** The manifest linter (npm run test:generator, test/kube-score.test.ts). */
  kubeScore: "v1.20.0",
  /** What npm run bench compares `npm run render` with (`helm template`, scripts/bench.ts). */
  helm: "v4.3.1",
  /** Gateway API CRDs (standard channel), from the module at this version. */
  gatewayApi: "v1.6.3",
} as const;

/**
 * The Go toolchain the builds ask for. Argo CD 3.6's go.mod needs Go 1.27; with this set the go
 * command fetches that toolchain from the Go module proxy (once, ~10 s) instead of failing.
 */
export const GO_TOOLCHAIN = "go1.27.3";

/** Where the binaries live: a user-level cache keyed by version, never inside the clone. */
export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || `${process.env.HOME}/.cache`;
  return `${base}/todo-gitops/cluster`;
}
