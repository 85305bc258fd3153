/** Every output rule, run by render over each environment's objects (see README: output rules). */
import type { Rule } from "./rule.ts";
import { waveOrder } from "./wave-order.ts";

export const RULES: readonly Rule[] = [waveOrder];
