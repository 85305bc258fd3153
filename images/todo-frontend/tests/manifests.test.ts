/**
 * The rendered frontend Deployment and this app agree: probe paths are real routes, the port
 * and user are the image's, the runtime variables are the ones the code reads, and no
 * NEXT_PUBLIC_ variable (frozen at build time) carries configuration.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const FRONTEND = resolve(import.meta.dirname, "..");
const RENDERED = resolve(FRONTEND, "../../rendered");
const dockerfile = readFileSync(join(FRONTEND, "Dockerfile"), "utf8");
const proxy = readFileSync(join(FRONTEND, "app/api/[...path]/route.ts"), "utf8");

interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
}
interface Container {
  ports: { containerPort: number; name?: string }[];
  env: { name: string; value: string }[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe: Probe;
  volumeMounts: { mountPath: string }[];
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : /\.(ts|tsx)$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

describe.each(readdirSync(RENDERED))("rendered/%s frontend Deployment", (env) => {
  const deployment = parse(
    readFileSync(join(RENDERED, env, "deployment-todo-frontend.yaml"), "utf8"),
  );
  const pod = deployment.spec.template.spec;
  const container: Container = pod.containers[0];
  const env_ = Object.fromEntries(container.env.map((e) => [e.name, e.value]));

  it("probes routes the app serves, on its port", () => {
    const port = container.ports[0];
    const probes = [container.livenessProbe, container.readinessProbe, container.startupProbe];
    for (const probe of probes) {
      // An HTTP probe must name a route with a GET handler; a TCP probe only needs the port.
      if (probe.httpGet !== undefined) {
        const route = join(FRONTEND, "app", probe.httpGet.path, "route.ts");
        expect(existsSync(route), route).toBe(true);
        expect(readFileSync(route, "utf8")).toMatch(/export function GET/);
      }
      const target = probe.httpGet?.port ?? probe.tcpSocket?.port;
      expect([port?.containerPort, port?.name]).toContain(target);
    }
    // Readiness is the light /healthz route (no backend call): an outage must not take it down.
    expect(container.readinessProbe.httpGet?.path).toBe("/healthz");
  });

  it("uses the image's port and user", () => {
    const port = container.ports[0]?.containerPort;
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${port}$`, "m"));
    expect(dockerfile).toMatch(new RegExp(`PORT=${port}\\b`));
    expect(env_.PORT).toBe(String(port));
    const uid = pod.securityContext.runAsUser;
    expect(dockerfile).toMatch(new RegExp(`^USER ${uid}:${uid}$`, "m"));
  });

  it("gives the server the backend URL it reads at run time, and listens on all interfaces", () => {
    expect(proxy).toContain("process.env.BACKEND_URL");
    expect(new URL(env_.BACKEND_URL ?? "").protocol).toBe("http:");
    expect(env_.HOSTNAME).toBe("0.0.0.0");
    expect(Object.keys(env_).filter((k) => k.startsWith("NEXT_PUBLIC_"))).toEqual([]);
  });

  it("mounts something writable where Next.js writes, under the image's WORKDIR", () => {
    const workdir = /^WORKDIR (\S+)$/m.exec(dockerfile.split("FROM node").at(-1) ?? "")?.[1];
    expect(container.volumeMounts.map((m) => m.mountPath)).toEqual(
      expect.arrayContaining(["/tmp", `${workdir}/.next/cache`]),
    );
  });
});

describe("the browser code", () => {
  it("reads no NEXT_PUBLIC_ variable and builds no absolute backend URL", () => {
    for (const file of sources(join(FRONTEND, "app")).concat(
      sources(join(FRONTEND, "lib")),
      sources(join(FRONTEND, "components")),
    )) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/NEXT_PUBLIC_/);
      expect(text, file).not.toMatch(/todo-backend-svc/);
    }
  });
});
