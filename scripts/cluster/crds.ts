/**
 * The CustomResourceDefinitions the rendered output needs, from the pinned Go modules (never
 * committed): Argo CD's, External Secrets', and Gateway API's standard channel.
 */
import { join } from "node:path";
import { moduleDir } from "../go.ts";
import { VERSIONS } from "../versions.ts";

export function crdFiles(): string[] {
  const v = VERSIONS;
  const argo = join(moduleDir("github.com/argoproj/argo-cd/v3", v.argocd), "manifests", "crds");
  const eso = moduleDir("github.com/external-secrets/external-secrets", v.externalSecrets);
  const gateway = join(
    moduleDir("sigs.k8s.io/gateway-api", v.gatewayApi),
    "config",
    "crd",
    "standard",
  );
  return [
    // ApplicationSet's too: argocd-server watches it, and logs an error a second without it.
    ...["application-crd.yaml", "appproject-crd.yaml", "applicationset-crd.yaml"].map((f) =>
      join(argo, f),
    ),
    join(eso, "deploy", "crds", "bundle.yaml"),
    // The standard channel only: what every conformant implementation serves.
    ...["gatewayclasses", "gateways", "httproutes", "referencegrants"].map((kind) =>
      join(gateway, `gateway.networking.k8s.io_${kind}.yaml`),
    ),
  ];
}
