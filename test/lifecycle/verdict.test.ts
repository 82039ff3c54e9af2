import { describe, expect, it } from 'vitest';
import { diagnostic } from '../../src/diagnostics/catalogue.js';
import { planVerdict, VERDICT_FINDINGS } from '../../src/lifecycle/verdict.js';

const at = (path: string, line = 1) => ({ file: { path, line, column: 1 } });

describe('plan verdict: check\'s result on the head', () => {
  const undeclared = diagnostic('isolation/undeclared-flow', 'undeclared flow allowed: cloud metadata address', { tenant: 'a', ...at('rendered/a/np.yaml', 3) });
  const drift = diagnostic('drift/changed', 'rendered/a/x.yaml differs from what render produces\n--- diff', at('rendered/a/x.yaml'));
  const warning = diagnostic('lifecycle/base', 'the base was rendered with the current templates', { severity: 'warning' });
  const removal = diagnostic('lifecycle/tenant-removal', 'tenant "b" was removed without being decommissioned first', { tenant: 'b' });
  const cascade = diagnostic('delivery/cascade-deletion', 'the ApplicationSet tenants is renamed: its Applications and every tenant workload are deleted', at('rendered/argocd/appset.yaml', 4));
  const waived = { ...diagnostic('network/external-egress', 'ipBlock 0.0.0.0/0 reaches 169.254.0.0/16', at('rendered/a/np.yaml', 18)), waived: { reason: 'metadata proxy' } };

  it('lists what the change deletes before anything else, then by severity, waived last', () => {
    const v = planVerdict([waived, warning, undeclared, drift, cascade, removal], 'tenantctl check --base main');
    expect(v.findings.map((f) => f.ruleId)).toEqual(['lifecycle/tenant-removal', 'delivery/cascade-deletion', 'isolation/undeclared-flow', 'drift/changed', 'lifecycle/base', 'network/external-egress']);
    expect(v.findings.filter((f) => f.deletion).map((f) => f.ruleId)).toEqual(['lifecycle/tenant-removal', 'delivery/cascade-deletion']);
    expect([v.exitCode, v.passes, v.errors, v.warnings, v.waived, v.more]).toEqual([1, false, 5, 1, 1, 0]);
    // One line per finding: the diff under a drift message is the check report's, not the verdict's.
    expect(v.findings[3]).toEqual({ ruleId: 'drift/changed', severity: 'error', message: 'rendered/a/x.yaml differs from what render produces', where: 'rendered/a/x.yaml:1:1' });
    expect(v.findings[5]!.waived).toBe('metadata proxy');
  });

  it('passes when only waived errors and warnings remain, as check exits 0', () => {
    const v = planVerdict([waived, warning], 'tenantctl check');
    expect([v.exitCode, v.passes, v.errors, v.waived]).toEqual([0, true, 1, 1]);
  });

  it('caps the findings and says how many more there are', () => {
    const many = Array.from({ length: VERDICT_FINDINGS + 7 }, (_, i) => diagnostic('isolation/undeclared-flow', `flow ${i}`, at(`rendered/t${String(i).padStart(2, '0')}/np.yaml`)));
    const v = planVerdict([...many, removal], 'tenantctl check --base main');
    expect(v.findings).toHaveLength(VERDICT_FINDINGS);
    expect(v.findings[0]!.ruleId).toBe('lifecycle/tenant-removal');
    expect(v.more).toBe(8);
  });
});
