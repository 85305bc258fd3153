import type { IIoK8sApiCoreV1Container as Container } from "kubernetes-models/v1/Container";
import type { Environment, ImageRef } from "../../environment/schema.ts";
import { imageReference } from "../../environment/images.ts";
import { labels } from "../labels.ts";
import { backend, database as names, DB_SECRET, migration, POSTGRES_UID } from "../names.ts";
import { fromApp } from "../network.ts";
import { syncWave } from "../sync-waves.ts";
import {
  containerSecurityContext,
  imageLintIgnores,
  lintIgnores,
  scratchVolumes,
  workload,
} from "../workload.ts";

const COMPONENT = "database";

/**
 * A small single-replica PostgreSQL for development clusters (`database.mode: in-cluster`), so
 * that a fresh minikube becomes Ready without a database account. Hardened like the apps; its
 * password comes from Secret `todo-db-credentials`, which the bootstrap command creates.
 */
export function database(env: Environment) {
  const settings = env.database;
  const image = env.images.database;
  if (settings.mode !== "in-cluster" || image === undefined) return [];
  const scratch = scratchVolumes({
    tmp: { mountPath: "/tmp", sizeLimit: "64Mi" },
    // The server's socket and lock file.
    run: { mountPath: "/var/run/postgresql", sizeLimit: "1Mi" },
  });
  return workload(env, {
    app: names.name,
    component: COMPONENT,
    uid: POSTGRES_UID,
    controller: {
      kind: "StatefulSet",
      // Headless (below): the StatefulSet's governing Service; its name resolves to the one pod.
      serviceName: names.service,
      volumeClaimTemplates: [
        {
          metadata: { name: "data", labels: labels(COMPONENT) },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(settings.storageClassName === undefined
              ? {}
              : { storageClassName: settings.storageClassName }),
            resources: { requests: { storage: settings.storage } },
          },
        },
      ],
    },
    annotations: {
      ...syncWave("database"),
      ...lintIgnores(
        ...imageLintIgnores(env),
        // The official image's postgres user and group are 70 (alpine), owner of its files;
        // kube-score wants IDs above 10000. Still non-root, no privilege escalation.
        "container-security-context-user-group-id",
      ),
    },
    // No preStop pause: no Ingress sends it traffic, and the backend reconnects. The image's stop
    // signal (SIGINT) makes PostgreSQL's fast shutdown: it ends sessions, writes a checkpoint and
    // exits; 60 s leaves the checkpoint time on a slow disk.
    terminationGracePeriodSeconds: 60,
    volumes: scratch.volumes,
    containers: [postgres(settings, image, scratch.volumeMounts)],
    service: { name: names.service, port: names.port, portName: "postgres", headless: true },
    policy: {
      ingress: [fromApp(backend.name, names.port), fromApp(migration.name, names.port)],
      egress: [],
    },
  });
}

type InCluster = Extract<Environment["database"], { mode: "in-cluster" }>;

/** The PostgreSQL container: the official image, its password from the bootstrapped Secret. */
function postgres(
  settings: InCluster,
  image: ImageRef,
  scratchMounts: NonNullable<Container["volumeMounts"]>,
): Container {
  const ready = {
    exec: {
      command: [
        "pg_isready",
        "--host=127.0.0.1",
        `--username=${names.user}`,
        `--dbname=${names.db}`,
      ],
    },
  };
  return {
    name: "postgres",
    image: imageReference(image),
    imagePullPolicy: settings.pullPolicy,
    ports: [{ containerPort: names.port, name: "postgres", protocol: "TCP" }],
    env: [
      { name: "POSTGRES_USER", value: names.user },
      { name: "POSTGRES_DB", value: names.db },
      {
        name: "POSTGRES_PASSWORD",
        valueFrom: { secretKeyRef: { name: DB_SECRET, key: "POSTGRES_PASSWORD" } },
      },
      // A subfolder, so initdb does not trip over the volume's lost+found.
      { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
    ],
    resources: settings.resources,
    startupProbe: { ...ready, periodSeconds: 5, failureThreshold: 24 },
    // Liveness: the server accepts connections; readiness: it accepts this database's
    // sessions (pg_isready). Not the same check, so a server busy with recovery is taken out
    // of its Service rather than restarted in the middle of it.
    livenessProbe: { tcpSocket: { port: names.port }, periodSeconds: 10, timeoutSeconds: 5 },
    readinessProbe: { ...ready, periodSeconds: 5, timeoutSeconds: 3 },
    securityContext: containerSecurityContext,
    volumeMounts: [...scratchMounts, { name: "data", mountPath: "/var/lib/postgresql/data" }],
  };
}
