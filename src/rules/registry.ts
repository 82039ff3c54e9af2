import { isolationRules } from './isolation/index.js';
import type { AnyRule } from './types.js';

/**
 * Every rule, keyed by its id. Explicit on purpose: no registration by import
 * side effect. Each group lists its own rules; a meta-test checks key = meta.id.
 */
export const rules = {
  ...isolationRules,
} satisfies Record<string, AnyRule>;

export type RuleId = keyof typeof rules;
