/**
 * The docs name the versions the cluster suite runs, and no end-of-life line: one source,
 * scripts/versions.ts, and every Argo CD, Kubernetes and Gateway API version the README and
 * docs/operations.md name must equal it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VERSIONS } from "../scripts/versions.ts";
import { REPO } from "./helpers.ts";

const docs = ["README.md", "docs/operations.md"].map(
  (f) => [f, readFileSync(join(REPO, f), "utf8")] as const,
);
const all = (re: RegExp, text: string) => [...text.matchAll(re)].map((m) => m[1]);

describe.each(docs)("%s", (_, text) => {
  it("names the Argo CD the suite runs, and only it", () => {
    for (const v of all(/argo-cd\/(v\d+\.\d+\.\d+)/g, text)) expect(v).toBe(VERSIONS.argocd);
    for (const v of all(/Argo CD (v\d+\.\d+\.\d+)/g, text)) expect(v).toBe(VERSIONS.argocd);
  });
  it("names the Kubernetes the suite runs, and only it", () => {
    for (const v of all(/--kubernetes-version=(v\S+)/g, text)) expect(v).toBe(VERSIONS.kubernetes);
    for (const v of all(/Kubernetes (v1\.\d+\.\d+)/g, text)) expect(v).toBe(VERSIONS.kubernetes);
  });
  it("names no other Argo CD 3.x or Kubernetes 1.3x release than the pinned ones", () => {
    // v3.3.15 is named once, as the release that fixed the advisories of older 3.3 pins.
    const argo = new Set([VERSIONS.argocd, VERSIONS.etcd, "v3.3.15"]);
    for (const v of all(/\b(v3\.\d+\.\d+)\b/g, text)) expect(argo).toContain(v);
    // v1.38.1 is minikube's release, which the walkthrough pins.
    const kube = new Set([VERSIONS.kubernetes, "v1.38.1"]);
    for (const v of all(/\b(v1\.3\d\.\d+)\b/g, text)) expect(kube).toContain(v);
  });
  it("installs no retired ingress controller", () => {
    expect(text).not.toMatch(/--addons=ingress|ingress-nginx\/controller-v/);
  });
});

it("the operations page names every version the suite builds", () => {
  const ops = docs.find(([f]) => f === "docs/operations.md")![1];
  for (const v of [VERSIONS.kubernetes, VERSIONS.argocd, VERSIONS.etcd, VERSIONS.gatewayApi])
    expect(ops).toContain(v);
});
