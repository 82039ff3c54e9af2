import { runCli } from '../../src/cli.js';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempRepos, cli } from '../helpers.js';
import { commitAll, editTenants, git, gitRepo, tenantA } from './git-fixture.js';

afterAll(cleanupTempRepos);

async function rendered(root: string): Promise<void> {
  expect((await cli(root, 'render')).exitCode).toBe(0);
}

describe('check --base: removing a tenant is deliberate', () => {
  it('fails when a tenant disappears without the decommission step, listing what would be deleted', async () => {
    const root = await gitRepo();
    await editTenants(root, tenantA, '');
    await rendered(root);
    const r = await cli(root, 'check', '--base', 'main');
    const out = r.stdout;
    expect(out).toContain('lifecycle/tenant-removal');
    expect(out).toContain('tenant "test-tenant-a" was removed from tenants.yaml without being decommissioned first (compared with main): on sync its guardrails are pruned in the same step as its workloads leave delivery (Flux deletes them; Argo CD leaves them running, unmanaged, as its ApplicationSet preserves resources), while its namespace stays');
    // The namespace is never said to be erased on sync: it is protected from pruning (the --allow-removal message says the same).
    expect(out).toContain('namespace ai-agents-test-tenant-a (kept on sync: it is protected from pruning) and, once deleted by hand, everything in it');
    expect(out).not.toMatch(/namespace ai-agents-test-tenant-a and everything in it/);
    expect(out).toContain('storage: up to 20Gi of PersistentVolumeClaims');
    expect(out).toContain('Deployment ai-agents-test-tenant-a/api');
    expect(out).toContain('ResourceQuota ai-agents-test-tenant-a/tenant-quota');
    expect(out).toContain('--allow-removal test-tenant-a');
    expect(r.exitCode).toBe(1);
  });

  it('passes the removal once the tenant was decommissioned in an earlier commit', async () => {
    const root = await gitRepo();
    await editTenants(root, '    name: Test Tenant A\n', '    name: Test Tenant A\n    decommissioned: true\n');
    await rendered(root);
    await commitAll(root, 'decommission test-tenant-a');
    git(root, 'branch', 'decommissioned');
    await editTenants(root, '  - id: test-tenant-a\n    name: Test Tenant A\n    decommissioned: true\n    tier: standard\n\n', '');
    await rendered(root);
    const r = await cli(root, 'check', '--base', 'decommissioned');
    expect(r.stdout).not.toMatch(/error\s+lifecycle\/tenant-removal/);
    expect(r.stdout).toContain('decommissioned in decommissioned');
  });

  it('treats marking a tenant decommissioned as a change, not a removal', async () => {
    const root = await gitRepo();
    await editTenants(root, '    name: Test Tenant A\n', '    name: Test Tenant A\n    decommissioned: true\n');
    await rendered(root);
    const r = await cli(root, 'check', '--base', 'main');
    expect(r.stdout).not.toContain('lifecycle/tenant-removal');
  });

  it('accepts an acknowledged removal with --allow-removal', async () => {
    const root = await gitRepo();
    await editTenants(root, tenantA, '');
    await rendered(root);
    const r = await cli(root, 'check', '--base', 'main', '--allow-removal', 'test-tenant-a');
    expect(r.stdout).not.toMatch(/error\s+lifecycle\/tenant-removal/);
    expect(r.stdout).toContain('allowed by --allow-removal');
  });

  it('uses the merge base with the upstream branch by default, and never skips without saying so', async () => {
    const root = await gitRepo();
    git(root, 'checkout', '-q', '-b', 'feature');
    await editTenants(root, tenantA, '');
    await rendered(root);
    const none = await cli(root, 'check');
    expect(none.stdout).toMatch(/warning\s+lifecycle\/base\s+no upstream branch to compare with: the tenant removal check was skipped/);
    expect(none.exitCode).toBe(0);
    // In CI the guard must run: a missing base fails the job unless it is accepted explicitly.
    const inCi = await runCli(['check'], { cwd: root, env: { CI: 'true' }, isTTY: false });
    expect(inCi.exitCode).toBe(1);
    expect(inCi.stdout).toMatch(/error\s+lifecycle\/base .*in CI \(CI=true\) the removal check must run/);
    const accepted = await runCli(['check', '--allow-no-base'], { cwd: root, env: { CI: 'true' }, isTTY: false });
    expect(accepted.stdout).not.toContain('lifecycle/');
    expect(accepted.exitCode).toBe(0);
    expect((await cli(root, 'plan')).stderr).toContain('no upstream branch to compare with');
    git(root, 'branch', '--set-upstream-to=main');
    const r = await cli(root, 'check');
    expect(r.stdout).toMatch(/error\s+lifecycle\/tenant-removal/);
    expect(r.stdout).toContain('compared with merge base');
  });

  it('refuses an --allow-removal that names no removed tenant', async () => {
    const root = await gitRepo();
    const r = await cli(root, 'check', '--base', 'HEAD', '--allow-removal', 'nope');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('--allow-removal nope matches no removed or moved tenant');
  });

  it('reports an unknown ref as a failure (exit 2)', async () => {
    const root = await gitRepo();
    const r = await cli(root, 'check', '--base', 'no-such-branch');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('git cannot resolve "no-such-branch"');
  });
});
