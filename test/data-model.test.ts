/**
 * The rendered minikube objects keep the data model's names, ports, labels, replicas, resources
 * and probe timings (docs/data-model.md), except where the corrections in it say otherwise.
 */
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IService } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { environment, find, objectsOf } from "./helpers.ts";

const objects = objectsOf(environment("minikube"));

describe("the data model's objects in rendered/minikube", () => {
  it.each([
    ["Namespace", "todo"],
    ["ConfigMap", "todo-config"],
    ["Deployment", "todo-backend"],
    ["Service", "todo-backend-svc"],
    ["Deployment", "todo-frontend"],
    ["Service", "todo-frontend-svc"],
    // The data model's Ingress, corrected to Gateway API (docs/data-model.md).
    ["Gateway", "todo-gateway"],
    ["HTTPRoute", "todo-route"],
  ])("%s/%s is rendered", (kind, name) => {
    expect(() => find(objects, kind, name)).not.toThrow();
  });

  it.each([
    [
      "todo-backend",
      "backend",
      8000,
      { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    ],
    [
      "todo-frontend",
      "frontend",
      3000,
      { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
    ],
  ] as const)(
    "%s keeps its container, port, replicas, resources, labels and probe timings",
    (name, container, port, resources) => {
      const d = find<IDeployment>(objects, "Deployment", name);
      expect(d.spec?.replicas).toBe(2);
      expect(d.spec?.selector.matchLabels).toEqual({ app: name });
      expect(d.metadata?.labels).toMatchObject({
        "app.kubernetes.io/name": "todo-app",
        "app.kubernetes.io/component": container,
      });
      expect(d.spec?.template.metadata?.labels).toMatchObject({
        app: name,
        "app.kubernetes.io/name": "todo-app",
        "app.kubernetes.io/component": container,
      });
      const c = d.spec!.template.spec!.containers[0]!;
      expect(c.name).toBe(container);
      expect(c.image).toBe(`${name}:latest`);
      expect(c.imagePullPolicy).toBe("IfNotPresent");
      expect(c.ports).toEqual([{ containerPort: port, name: "http", protocol: "TCP" }]);
      // The data model's CPU and memory figures; ephemeral storage is added (see README).
      expect(c.resources).toMatchObject(resources);
      expect(c.livenessProbe).toMatchObject({
        initialDelaySeconds: 15,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 3,
      });
      // An HTTP liveness (backend /livez) or a TCP connect (frontend), on the app's port.
      expect(c.livenessProbe?.httpGet?.port ?? c.livenessProbe?.tcpSocket?.port).toBe(port);
      expect(c.readinessProbe).toMatchObject({
        initialDelaySeconds: 5,
        periodSeconds: 5,
        timeoutSeconds: 3,
        failureThreshold: 3,
        httpGet: { port },
      });
    },
  );

  it("the backend reads todo-config and todo-secrets", () => {
    const c = find<IDeployment>(objects, "Deployment", "todo-backend").spec!.template.spec!
      .containers[0]!;
    expect(c.envFrom).toEqual([
      { configMapRef: { name: "todo-config" } },
      { secretRef: { name: "todo-secrets" } },
    ]);
  });

  it.each([
    ["todo-backend-svc", "todo-backend", 8000],
    ["todo-frontend-svc", "todo-frontend", 3000],
  ])("Service %s is a ClusterIP on port %s", (name, app, port) => {
    const svc = find<IService>(objects, "Service", name);
    expect(svc.spec?.type).toBe("ClusterIP");
    expect(svc.spec?.selector).toEqual({ app });
    expect(svc.spec?.ports).toEqual([{ name: "http", port, targetPort: port, protocol: "TCP" }]);
  });
});
