import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceAccount } from '../../src/rules/isolation/service-account.js';
import { lineOf, repoRoot } from '../helpers.js';
import { expectFinding, runRule, tenantA } from './harness.js';

const id = 'isolation/service-account';
const api = `${tenantA}/workloads/deployment-api.yaml`;
const worker = `${tenantA}/workloads/deployment-worker.yaml`;
const sa = `${tenantA}/serviceaccount-sa-test-tenant-a.yaml`;
const podAutomount = { file: worker, from: '      automountServiceAccountToken: false\n', to: '' };

describe(id, () => {
  it('passes on the bundled tree', async () => {
    const { diagnostics } = await runRule(serviceAccount);
    expect(diagnostics).toEqual([]);
  });

  it("fails when a pod runs as another tenant's ServiceAccount", async () => {
    const edit = { file: api, from: 'serviceAccountName: sa-test-tenant-a', to: 'serviceAccountName: sa-test-tenant-b' };
    const { diagnostics, fixture } = await runRule(serviceAccount, [edit]);
    const d = expectFinding(diagnostics, fixture, id, api, 'serviceAccountName');
    expect(d.message).toContain('tenant test-tenant-b');
    expect(d.field?.expected).toBe('sa-test-tenant-a');
  });

  it('fails when serviceAccountName is absent (the pod runs as default)', async () => {
    const edit = { file: worker, from: '      serviceAccountName: sa-test-tenant-a\n', to: '' };
    const { diagnostics, fixture } = await runRule(serviceAccount, [edit]);
    // The missing field resolves to the pod spec that should carry it.
    const d = expectFinding(diagnostics, fixture, id, worker, '    spec:\n      automount');
    expect(d.message).toContain('run as `default`');
  });

  it('fails when neither the pod nor the ServiceAccount turns the token off', async () => {
    const edits = [podAutomount, { file: sa, from: 'automountServiceAccountToken: false\n', to: '' }];
    const { diagnostics, fixture } = await runRule(serviceAccount, edits);
    expect(expectFinding(diagnostics, fixture, id, worker, 'serviceAccountName').message).toContain('leaves it unset too');
  });

  it('passes when the pod leaves automount unset and the ServiceAccount turns it off', async () => {
    const { diagnostics } = await runRule(serviceAccount, [podAutomount]);
    expect(diagnostics).toEqual([]);
  });

  it('fails on automountServiceAccountToken: true unless the tenant needs the API', async () => {
    const edit = { file: api, from: 'automountServiceAccountToken: false', to: 'automountServiceAccountToken: true' };
    const { diagnostics, fixture } = await runRule(serviceAccount, [edit]);
    expectFinding(diagnostics, fixture, id, api, 'automountServiceAccountToken');

    const needs = { file: 'tenants.yaml', from: '    name: Test Tenant A\n', to: '    name: Test Tenant A\n    needsApiAccess: true\n' };
    expect((await runRule(serviceAccount, [edit, needs])).diagnostics).toEqual([]);
  });

  it('cannot be waived', async () => {
    const waiver = { file: 'tenants.yaml', from: '    name: Test Tenant A\n', to: `    name: Test Tenant A\n    waivers:\n      - rule: ${id}\n        reason: legacy job\n` };
    const { diagnostics } = await runRule(serviceAccount, [waiver]);
    const d = diagnostics.find((x) => x.ruleId === 'input/waiver');
    expect(d?.message).toContain('cannot be waived');
    const tenants = await readFile(path.join(repoRoot, 'tenants.yaml'), 'utf8');
    // The finding sits on the `- rule:` line, two below the tenant's name.
    expect(d?.file).toMatchObject({ path: 'tenants.yaml', line: lineOf(tenants, '    name: Test Tenant A') + 2 });
  });
});
