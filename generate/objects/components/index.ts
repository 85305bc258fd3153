/**
 * Every component, in the order their objects are listed. A component is a function from the
 * environment to typed objects; add one here and it is rendered, validated and drift-checked.
 */
import { backend } from "./backend.ts";
import { config } from "./config.ts";
import { database } from "./database.ts";
import { frontend } from "./frontend.ts";
import { migration } from "./migration.ts";
import { namespace } from "./namespace.ts";
import { routing } from "./routing.ts";
import { secrets } from "./secrets.ts";

import type { Validatable } from "../../types.ts";
import type { Environment } from "../../environment/schema.ts";

/** A component: the environment in, typed objects out. */
export type Component = (env: Environment) => Validatable[];

export const components: Component[] = [
  namespace,
  config,
  secrets,
  database,
  migration,
  backend,
  frontend,
  routing,
];
