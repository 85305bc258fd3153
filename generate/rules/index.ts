/** Every output rule, run by render over each environment's objects (see README: output rules). */
import { distinctProbes } from "./distinct-probes.ts";
import { ephemeralStorage } from "./ephemeral-storage.ts";
import { gracefulStop } from "./graceful-stop.ts";
import type { Rule } from "./rule.ts";
import { waveOrder } from "./wave-order.ts";

export const RULES: readonly Rule[] = [distinctProbes, ephemeralStorage, gracefulStop, waveOrder];
