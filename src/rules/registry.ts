import { deliveryRules } from './delivery/index.js';
import { isolationRules } from './isolation/index.js';
import { k8sRules } from './k8s/index.js';
import { namespaceRules } from './namespace/index.js';
import { networkRules } from './network/index.js';
import { podRules } from './pod/index.js';
import { quotaRules } from './quota/index.js';
import { rbacRules } from './rbac/index.js';
import type { AnyRule } from './types.js';
import { workloadRules } from './workload/index.js';

/**
 * Every rule, keyed by its id. Explicit on purpose: no registration by import
 * side effect. Each group lists its own rules; a meta-test checks key = meta.id.
 */
export const rules = {
  ...deliveryRules,
  ...isolationRules,
  ...k8sRules,
  ...namespaceRules,
  ...networkRules,
  ...podRules,
  ...quotaRules,
  ...rbacRules,
  ...workloadRules,
} satisfies Record<string, AnyRule>;
