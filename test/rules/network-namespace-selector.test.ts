import { describe, expect, it } from 'vitest';
import { namespaceSelector } from '../../src/rules/network/namespace-selector.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const ingress = `${tenantA}/networkpolicy-allow-ingress-to-api.yaml`;
const postgres = 'rendered/database/networkpolicy-allow-tenants-to-postgresql.yaml';
const id = 'network/namespace-selector';

describe('network/namespace-selector', () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(namespaceSelector);
    expect(diagnostics).toEqual([]);
  });

  it('fails for the classic name=ingress-nginx label nobody sets', async () => {
    const { diagnostics, fixture } = await runRule(namespaceSelector, [{ file: ingress, from: 'kubernetes.io/metadata.name: ingress-nginx', to: 'name: ingress-nginx' }]);
    const d = expectFinding(diagnostics, fixture, id, ingress, 'name: ingress-nginx');
    expect(d.message).toContain('namespaceSelector name=ingress-nginx matches no known namespace');
    expect(d.field?.pointer).toBe('/spec/ingress/0/from/0/namespaceSelector/matchLabels/name');
  });

  it('fails when the database admits a tenant label value no Namespace carries', async () => {
    const { diagnostics, fixture } = await runRule(namespaceSelector, [{ file: postgres, from: 'tenant-namespace: "true"', to: 'tenant-namespace: "yes"' }]);
    expectFinding(diagnostics, fixture, id, postgres, 'tenant-namespace');
  });

  it('fails for metadata.name of a namespace that exists nowhere', async () => {
    const dbPolicy = `${tenantA}/networkpolicy-allow-egress-to-database.yaml`;
    const { diagnostics, fixture } = await runRule(namespaceSelector, [{ file: dbPolicy, from: 'metadata.name: database', to: 'metadata.name: databse' }]);
    expectFinding(diagnostics, fixture, id, dbPolicy, 'databse');
    expect(diagnostics).toHaveLength(1);
  });

  it('fails for a matchExpressions In on values no namespace has', async () => {
    const { diagnostics, fixture } = await runRule(namespaceSelector, [
      {
        file: postgres,
        from: '            matchLabels:\n              platform.ai-agents.io/tenant-namespace: "true"\n',
        to: '            matchExpressions:\n              - key: tier\n                operator: In\n                values: [standard]\n',
      },
    ]);
    expectFinding(diagnostics, fixture, id, postgres, '- key: tier');
  });
});
