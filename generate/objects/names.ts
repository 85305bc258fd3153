/**
 * The names and ports every component agrees on: the data model's, in one place, so that a
 * Service, a route, a NetworkPolicy and the frontend's backend URL cannot disagree.
 */
export const APP_NAME = "todo-app";
export const PART_OF = "todo-system";
export const MANAGED_BY = "todo-gitops";

export const CONFIG_MAP = "todo-config";
/** Secret with DATABASE_URL, JWT_SECRET, OPENAI_API_KEY; never rendered with values. */
export const APP_SECRET = "todo-secrets";
export const APP_SECRET_KEYS = ["DATABASE_URL", "JWT_SECRET", "OPENAI_API_KEY"] as const;
/** Secret with POSTGRES_PASSWORD for the in-cluster dev database. */
export const DB_SECRET = "todo-db-credentials";

export const backend = {
  name: "todo-backend",
  service: "todo-backend-svc",
  port: 8000,
  /** After SIGTERM, in-flight requests get this long (the backend's GRACEFUL_SHUTDOWN_SECONDS,
   * which the Deployment sets from this; it must exceed the chat's 25 s deadline). */
  drainSeconds: 30,
} as const;
/** The schema migration Job and its command (images/todo-backend: `python -m todo_api.migrate`). */
export const migration = {
  name: "todo-backend-migrate",
  command: ["python", "-m", "todo_api.migrate"],
} as const;
export const frontend = {
  name: "todo-frontend",
  service: "todo-frontend-svc",
  port: 3000,
  /** Pages and the /api pass-through are short; the chat's own deadline bounds the longest. */
  drainSeconds: 10,
} as const;
export const database = {
  name: "todo-db",
  service: "todo-db-svc",
  port: 5432,
  user: "todo",
  db: "todo",
} as const;
export const INGRESS = "todo-ingress";
/** The environment's own Gateway, the HTTPRoute to the two Services, and the HTTP-to-HTTPS redirect. */
export const GATEWAY = "todo-gateway";
export const ROUTE = "todo-route";
export const HTTPS_REDIRECT = "todo-https-redirect";

/** The backend's in-cluster URL, read by the frontend server at run time. */
export const BACKEND_URL = `http://${backend.service}:${backend.port}`;

/** Numeric, non-root user and group the images run as (the Dockerfiles create them). */
export const APP_UID = 10001;
/** The postgres user of the official alpine image. */
export const POSTGRES_UID = 70;
