/**
 * A bad environment fails with a message naming the environment, the field path and the rule.
 */
import { describe, expect, it } from "vitest";
import { appProject } from "../generate/objects/argocd.ts";
import { EnvironmentError, resolveEnvironment } from "../generate/environment/resolve.ts";
import { parseQuantity } from "../generate/quantity.ts";
import { clone, DATA, IMAGES } from "./helpers.ts";

type Mutable = Record<string, any>;

/** The problems of `name` after `mutate` changed its data or images; [] when it is valid. */
function problemsAfter(name: string, mutate: (data: Mutable, images: Mutable) => void): string[] {
  const data = clone(DATA[name]) as Mutable;
  const images = clone(IMAGES) as Mutable;
  mutate(data, images);
  try {
    resolveEnvironment(name, data, images);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toContain(`environment "${name}"`);
    return [...(error as EnvironmentError).problems];
  }
}

describe("the committed environments", () => {
  it.each(Object.keys(DATA))("%s is valid", (name) => {
    expect(problemsAfter(name, () => {})).toEqual([]);
  });
});

describe("a bad environment names the field and the rule", () => {
  const cases: [string, string, (d: Mutable, i: Mutable) => void, RegExp][] = [
    [
      "non-integer replicas",
      "minikube",
      (d) => (d.backend.replicas = 1.5),
      /^backend\.replicas: must be a whole number/,
    ],
    [
      "negative replicas",
      "staging",
      (d) => (d.frontend.replicas = -1),
      /^frontend\.replicas: must not be negative/,
    ],
    [
      "replicas as a string",
      "staging",
      (d) => (d.frontend.replicas = "2"),
      /^frontend\.replicas: /,
    ],
    [
      "an invalid quantity",
      "minikube",
      (d) => (d.backend.resources.limits.memory = "512MB"),
      /^backend\.resources\.limits\.memory: must be a Kubernetes quantity/,
    ],
    [
      "a request above its limit",
      "staging",
      (d) => (d.backend.resources.requests.cpu = "2"),
      /^backend\.resources\.requests\.cpu: \(2\) must not exceed resources\.limits\.cpu \(500m\)/,
    ],
    [
      "a database request above its limit",
      "minikube",
      (d) => (d.database.resources.requests.memory = "1Gi"),
      /^database\.resources\.requests\.memory: \(1Gi\) must not exceed/,
    ],
    [
      "an invalid host",
      "staging",
      (d) => (d.routing.host = "Todo_App.example.com"),
      /^routing\.host: must be a DNS host name/,
    ],
    ["a host with no domain", "staging", (d) => (d.routing.host = "localhost"), /^routing\.host: /],
    [
      "a latest tag where not allowed",
      "staging",
      (_, i) => (i.staging.backend.tag = "latest"),
      /^images\.json\.staging\.backend\.tag: \(latest\) is mutable/,
    ],
    [
      "no digest where not allowed",
      "staging",
      (_, i) => delete i.staging.frontend.digest,
      /^images\.json\.staging\.frontend\.digest: missing/,
    ],
    [
      "a malformed digest",
      "staging",
      (_, i) => (i.staging.frontend.digest = "sha256:abc"),
      /^images\.json\.staging\.frontend\.digest: must be sha256:/,
    ],
    [
      "a missing image reference",
      "staging",
      (_, i) => delete i.staging.backend,
      /^images\.json\.staging\.backend: /,
    ],
    [
      "a missing environment in images.json",
      "staging",
      (_, i) => delete i.staging,
      /^images\.json\.staging: missing/,
    ],
    [
      "no database image for an in-cluster database",
      "minikube",
      (_, i) => delete i.minikube.database,
      /^images\.json\.minikube\.database: missing/,
    ],
    [
      "an unknown field",
      "minikube",
      (d) => (d.backend.replica = 3),
      /^backend: Unrecognized key: "replica"/,
    ],
    [
      "a name that differs from the file",
      "minikube",
      (d) => (d.name = "dev"),
      /^name: \(dev\) must equal the file name \(minikube\)/,
    ],
    [
      "an invalid namespace",
      "minikube",
      (d) => (d.namespace = "Todo"),
      /^namespace: must be a DNS-1123 label/,
    ],
    [
      "liveness on the database health check",
      "staging",
      (d) => (d.backend.probes.liveness.path = "/health"),
      /^backend\.probes\.liveness\.path: \(\/health\) must not be the readiness path/,
    ],
    [
      "a rewrite-target annotation",
      "minikube",
      (d) => (d.routing.annotations["nginx.ingress.kubernetes.io/rewrite-target"] = "/"),
      /^routing\.annotations\.nginx\.ingress\.kubernetes\.io\/rewrite-target: must not be set/,
    ],
    [
      "an unknown secrets provider",
      "staging",
      (d) => (d.secrets.provider = "vault"),
      /^secrets\.provider: /,
    ],
    [
      "an Argo CD destination that is not a URL",
      "staging",
      (d) => (d.argocd.server = "foo"),
      /^argocd\.server: must be an https:\/\/ API server URL/,
    ],
    ["an unknown sync mode", "staging", (d) => (d.argocd.sync = "auto"), /^argocd\.sync: /],
    [
      "a zero probe period",
      "minikube",
      (d) => (d.frontend.probes.readiness.periodSeconds = 0),
      /^frontend\.probes\.readiness\.periodSeconds: must be at least 1/,
    ],
  ];
  it.each(cases)("%s", (_, name, mutate, expected) => {
    const problems = problemsAfter(name, mutate);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("reports every problem at once, not only the first", () => {
    const problems = problemsAfter("staging", (d, i) => {
      d.backend.replicas = -1;
      d.routing.host = "-bad-";
      i.staging.frontend.tag = "latest";
    });
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });

  it("allows a mutable tag only where the environment allows it", () => {
    expect(problemsAfter("minikube", (_, i) => (i.minikube.backend.tag = "latest"))).toEqual([]);
    const problems = problemsAfter("minikube", (d) => (d.allowMutableImageTags = false));
    expect(problems).toContain(
      "images.json.minikube.backend.tag: (latest) is mutable; allowMutableImageTags is false in this environment [pinned-images]",
    );
  });
});

describe("resource quantities", () => {
  it.each([
    ["200m", 0.2],
    ["1", 1],
    ["1.5", 1.5],
    ["256Mi", 256 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1G", 1e9],
    ["1e3", 1000],
    ["2E", 2e18],
  ])("%s is %d", (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });
  it.each(["", "-1", "512MB", "1.2.3", "Mi", "1 Gi", "0x10"])("%j is not a quantity", (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe("never-promoted images (all-zero digest)", () => {
  const zero = `sha256:${"0".repeat(64)}`;

  it("fail an environment with automated sync, naming the image and what to do", () => {
    const data = clone(DATA.staging!);
    data.argocd = { ...data.argocd, sync: "automated" };
    const images = clone(IMAGES);
    expect(images.staging.backend.digest).toBe(zero);
    expect(() => resolveEnvironment("staging", data, images)).toThrow(
      /images\.json\.staging\.backend\.digest: \(sha256:0{64}\) is the never-promoted placeholder.*argocd\.sync is automated.*npm run promote/,
    );
  });

  it("are allowed in a manual environment, whose Application a deny window then blocks", () => {
    const staging = resolveEnvironment("staging", clone(DATA.staging!), clone(IMAGES));
    const minikube = resolveEnvironment("minikube", clone(DATA.minikube!), clone(IMAGES));
    const project = appProject([minikube, staging], { cluster: [], namespaced: [] }).toJSON() as {
      spec: { syncWindows?: { kind: string; applications: string[]; manualSync: boolean }[] };
    };
    expect(project.spec.syncWindows).toEqual([
      expect.objectContaining({ kind: "deny", applications: ["todo-staging"], manualSync: false }),
    ]);
    const promoted = clone(IMAGES);
    promoted.staging.backend.digest = `sha256:${"a".repeat(64)}`;
    promoted.staging.frontend.digest = `sha256:${"b".repeat(64)}`;
    const released = resolveEnvironment("staging", clone(DATA.staging!), promoted);
    const after = appProject([minikube, released], { cluster: [], namespaced: [] }).toJSON() as {
      spec: { syncWindows?: unknown };
    };
    expect(after.spec.syncWindows).toBeUndefined();
  });
});
