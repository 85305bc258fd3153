import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { Environment } from "../environment.ts";
import { imageReference } from "../environment.ts";
import { labels, podLabels, selector } from "../labels.ts";
import { backend, database as names, DB_SECRET, migration, POSTGRES_UID } from "../names.ts";
import { appPolicy, fromApp } from "../network.ts";
import { syncWave } from "../sync-waves.ts";
import {
  clusterService,
  containerSecurityContext,
  hardenedPodSpec,
  imageLintIgnores,
  lintIgnores,
  scratchVolumes,
  serviceAccount,
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
  const ready = [
    "pg_isready",
    "--host=127.0.0.1",
    `--username=${names.user}`,
    `--dbname=${names.db}`,
  ];
  return [
    serviceAccount(env, names.name, COMPONENT),
    new StatefulSet({
      metadata: {
        name: names.name,
        namespace: env.namespace,
        labels: labels(COMPONENT),
        annotations: {
          ...syncWave("database"),
          ...lintIgnores(
            ...imageLintIgnores(env),
            // The official image's postgres user and group are 70 (alpine), owner of its files;
            // kube-score wants IDs above 10000. Still non-root, no privilege escalation.
            "container-security-context-user-group-id",
          ),
        },
      },
      spec: {
        replicas: 1,
        // Said outright (it is the default): deleting or scaling down the StatefulSet, or its
        // Application, never deletes the database's volume.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        serviceName: names.service,
        selector: { matchLabels: selector(names.name) },
        template: {
          metadata: { labels: podLabels(names.name, COMPONENT) },
          spec: hardenedPodSpec({
            app: names.name,
            uid: POSTGRES_UID,
            // No preStop pause: no Ingress sends it traffic, and the backend reconnects. The
            // image's stop signal (SIGINT) makes PostgreSQL's fast shutdown: it ends sessions,
            // writes a checkpoint and exits; 60 s leaves the checkpoint time on a slow disk.
            terminationGracePeriodSeconds: 60,
            volumes: scratch.volumes,
            containers: [
              {
                name: "postgres",
                image: imageReference(image),
                imagePullPolicy: "IfNotPresent",
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
                startupProbe: { exec: { command: ready }, periodSeconds: 5, failureThreshold: 24 },
                // Liveness: the server accepts connections; readiness: it accepts this database's
                // sessions (pg_isready). Not the same check, so a server busy with recovery is
                // taken out of its Service rather than restarted in the middle of it.
                livenessProbe: {
                  tcpSocket: { port: names.port },
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                },
                readinessProbe: { exec: { command: ready }, periodSeconds: 5, timeoutSeconds: 3 },
                securityContext: containerSecurityContext,
                volumeMounts: [
                  ...scratch.volumeMounts,
                  { name: "data", mountPath: "/var/lib/postgresql/data" },
                ],
              },
            ],
          }),
        },
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
    }),
    // Headless: the StatefulSet's governing Service; its name resolves to the one pod.
    clusterService(env, {
      name: names.service,
      app: names.name,
      component: COMPONENT,
      port: names.port,
      portName: "postgres",
      headless: true,
    }),
    appPolicy(env, {
      app: names.name,
      component: COMPONENT,
      ingress: [fromApp(backend.name, names.port), fromApp(migration.name, names.port)],
      egress: [],
    }),
  ];
}
