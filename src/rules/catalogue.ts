import { proofRuleDescriptors } from '../analysis/proofs.js';
import type { RuleDescriptor } from '../diagnostics/result.js';
import { rules } from './registry.js';

/** The rule catalogue as formatters need it (SARIF rules, docs links). */
export function ruleDescriptors(): RuleDescriptor[] {
  return [
    ...Object.values(rules).map((r) => ({
      id: r.meta.id,
      description: r.meta.description,
      severity: r.meta.severity,
      remediation: r.meta.remediation,
      helpUri: `docs/rules/${r.meta.id}.md`,
    })),
    ...proofRuleDescriptors,
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
}
