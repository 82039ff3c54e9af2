import { defaultDeny } from './isolation/default-deny.js';
import type { AnyRule } from './types.js';

/** Every rule, keyed by its id. Explicit on purpose: no registration by import side effect. */
export const rules = {
  'isolation/default-deny': defaultDeny,
} satisfies Record<string, AnyRule>;

export type RuleId = keyof typeof rules;
