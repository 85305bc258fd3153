/**
 * Builds (once per version) the real control plane and Argo CD the cluster suite runs, from their
 * Go modules alone: nothing but the Go module proxy is needed. Binaries land in
 * `<cache>/bin/<name>-<version>`; a binary that exists is not rebuilt. Prints each build's time.
 *
 *   node test/cluster/build.ts        # builds what is missing, prints the paths as JSON
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { crdFiles } from "../../scripts/cluster/crds.ts";
import { bin, go, goInstall, moduleDir } from "../../scripts/go.ts";
import { cacheRoot, VERSIONS } from "../../scripts/versions.ts";

export interface Binaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
  argocd: string;
  /**
   * Helper scripts Argo CD's image puts on PATH (its Dockerfile copies them from `hack/`), from the
   * pinned module: 3.6's repo-server runs `git-verify-wrapper.sh` for every manifest generation,
   * and without it answers every request with a bare "permission denied".
   */
  argocdPathScripts: string[];
  /** kwok's stock stages (fast node and pod lifecycle), from its module at the pinned version. */
  kwokStages: string[];
  /** CRD manifests from the pinned modules: Argo CD's, External Secrets', Gateway API's. */
  crds: string[];
}

const root = cacheRoot();

/** A throw-away main module under the cache that requires `requires` and builds `packages`. */
function buildModule(
  name: string,
  goMod: string,
  files: Record<string, string>,
  targets: { pkg: string; out: string }[],
  extra: { ldflags?: string; env?: Record<string, string> } = {},
) {
  const missing = targets.filter((t) => !existsSync(t.out));
  if (missing.length === 0) return;
  const dir = join(root, "src", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "go.mod"), goMod);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const started = Date.now();
  for (const { pkg, out } of missing) {
    process.stderr.write(`building ${pkg} -> ${out}\n`);
    const tmp = `${out}.tmp`;
    const flags = [...(extra.ldflags ? ["-ldflags", extra.ldflags] : [])];
    go(["build", "-trimpath", ...flags, "-o", tmp, pkg], dir, extra.env);
    renameSync(tmp, out); // only a finished binary carries the final name
  }
  process.stderr.write(`built ${name} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** The argument of a one-line directive (`go 1.26.0`, `godebug default=go1.26`) in a go.mod. */
function directive(goModText: string, name: string): string {
  const m = new RegExp(`^${name}\\s+(\\S+)\\s*$`, "m").exec(goModText);
  if (!m) throw new Error(`no \`${name}\` line in the go.mod; has the module moved?`);
  return m[1]!;
}

/** `replace` lines of a module's go.mod, minus local (./) targets, which a module zip lacks. */
function replaceBlock(goModText: string, rewrite: (from: string, to: string) => string | null) {
  const lines: string[] = [];
  const re = /^\s*(?:replace\s+)?([^\s()]+)(?:\s+\S+)?\s+=>\s+(\S+)(?:\s+(\S+))?\s*$/;
  for (const line of goModText.split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    const to = rewrite(m[1]!, m[3] ? `${m[2]} ${m[3]}` : m[2]!);
    if (to !== null) lines.push(`replace ${m[1]} => ${to}`);
  }
  return lines.join("\n");
}

export function build(): Binaries {
  mkdirSync(join(root, "bin"), { recursive: true });
  mkdirSync(join(root, "src"), { recursive: true });
  if (!existsSync(join(root, "go.mod"))) writeFileSync(join(root, "go.mod"), "module cache\n");
  const v = VERSIONS;
  const out: Binaries = {
    etcd: bin("etcd", v.etcd),
    kubeApiserver: bin("kube-apiserver", v.kubernetes),
    kubeControllerManager: bin("kube-controller-manager", v.kubernetes),
    kubeScheduler: bin("kube-scheduler", v.kubernetes),
    kubectl: bin("kubectl", v.kubernetes),
    kwok: bin("kwok", v.kwok),
    // The one source change (see below): the controller's metrics listener on loopback.
    argocd: bin("argocd", `${v.argocd}+loopback-metrics`),
    kwokStages: [],
    crds: [],
    argocdPathScripts: [],
  };

  buildModule(
    `etcd-${v.etcd}`,
    `module etcdbin\n\ngo 1.26\n\nrequire go.etcd.io/etcd/server/v3 ${v.etcd}\n`,
    {
      "main.go":
        'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n',
    },
    [{ pkg: ".", out: out.etcd }],
  );

  // k8s.io/kubernetes points its staging modules at ./staging; a module zip has none, so each is
  // replaced by its published v0.x release of the same minor and patch.
  if (
    ![out.kubeApiserver, out.kubeControllerManager, out.kubeScheduler, out.kubectl].every(
      existsSync,
    )
  ) {
    const k8s = moduleDir("k8s.io/kubernetes", v.kubernetes);
    const staging = v.kubernetes.replace(/^v1\./, "v0.");
    const k8sGoMod = readFileSync(join(k8s, "go.mod"), "utf8");
    const replaces = replaceBlock(k8sGoMod, (from, to) =>
      to.startsWith("./staging/") ? `${from} ${staging}` : null,
    );
    // The release's own Go language version and GODEBUG defaults, so the binaries behave as built upstream.
    const goLine = directive(k8sGoMod, "go");
    const godebug = directive(k8sGoMod, "godebug");
    const [major, minor] = v.kubernetes.slice(1).split(".");
    const pkg = "k8s.io/component-base/version";
    const ldflags = [
      `-X ${pkg}.gitVersion=${v.kubernetes}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
    ].join(" ");
    buildModule(
      `kubernetes-${v.kubernetes}`,
      `module kubebin\n\ngo ${goLine}\n\ngodebug ${godebug}\n\nrequire k8s.io/kubernetes ${v.kubernetes}\n\n${replaces}\n`,
      { "tools.go": "package kubebin\n" },
      [
        { pkg: "k8s.io/kubernetes/cmd/kube-apiserver", out: out.kubeApiserver },
        { pkg: "k8s.io/kubernetes/cmd/kube-controller-manager", out: out.kubeControllerManager },
        { pkg: "k8s.io/kubernetes/cmd/kube-scheduler", out: out.kubeScheduler },
        { pkg: "k8s.io/kubernetes/cmd/kubectl", out: out.kubectl },
      ],
      { ldflags },
    );
  }

  goInstall("kwok", "sigs.k8s.io/kwok/cmd/kwok", v.kwok);

  // Argo CD's own replace block applies only when it is the main module, so it is copied here;
  // its nested gitops-engine (replaced by ./gitops-engine upstream) comes at the version it requires.
  if (!existsSync(out.argocd)) {
    const argo = moduleDir("github.com/argoproj/argo-cd/v3", v.argocd);
    const argoGoMod = readFileSync(join(argo, "go.mod"), "utf8");
    // Local targets (./gitops-engine) are left out: a module zip has none, and from 3.6 on the
    // gitops-engine module is published at the same tag, which Argo CD's require line names.
    const replaces = replaceBlock(argoGoMod, (_from, to) => (to.startsWith("./") ? null : to));
    // The application-controller binds its metrics server to 0.0.0.0 with no flag to change it;
    // everything the suite starts listens on 127.0.0.1 only. Go forbids overlays of module-cache
    // files, so the module is copied next to the build and that one line replaced in the copy.
    const dir = join(root, "src", `argocd-${v.argocd}`);
    const copy = join(dir, "argo-cd");
    rmSync(copy, { recursive: true, force: true });
    cpSync(argo, copy, { recursive: true });
    execFileSync("chmod", ["-R", "u+w", copy]);
    const source = join(copy, "controller", "appcontroller.go");
    const original = readFileSync(source, "utf8");
    const patched = original.replace(
      'fmt.Sprintf("0.0.0.0:%d", metricsPort)',
      'fmt.Sprintf("127.0.0.1:%d", metricsPort)',
    );
    if (patched === original)
      throw new Error(`${source}: the metrics address line has moved; update build.ts`);
    writeFileSync(source, patched);
    buildModule(
      `argocd-${v.argocd}`,
      `module argocdbin\n\ngo ${directive(argoGoMod, "go")}\n\nrequire github.com/argoproj/argo-cd/v3 ${v.argocd}\n\nreplace github.com/argoproj/argo-cd/v3 => ./argo-cd\n\n${replaces}\n`,
      { "tools.go": "package argocdbin\n" },
      [{ pkg: "github.com/argoproj/argo-cd/v3/cmd", out: out.argocd }],
    );
  }
  const kwok = join(moduleDir("sigs.k8s.io/kwok", v.kwok), "kustomize", "stage");
  out.kwokStages = [
    "node/fast/node-initialize.yaml",
    "node/heartbeat/node-heartbeat.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
  ].map((file) => join(kwok, file));
  const argoModule = moduleDir("github.com/argoproj/argo-cd/v3", v.argocd);
  out.argocdPathScripts = ["git-verify-wrapper.sh", "gpg-wrapper.sh"].map((f) =>
    join(argoModule, "hack", f),
  );
  out.crds = crdFiles();
  for (const file of [...out.kwokStages, ...out.crds, ...out.argocdPathScripts])
    if (!existsSync(file)) throw new Error(`expected ${file} in its module; has the layout moved?`);
  return out;
}

export const kubeScore = () =>
  goInstall("kube-score", "github.com/zegl/kube-score/cmd/kube-score", VERSIONS.kubeScore);

if (import.meta.main) {
  const started = Date.now();
  const paths = build();
  process.stderr.write(`binaries ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(JSON.stringify(paths, null, 2) + "\n");
}
